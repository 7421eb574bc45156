import { BerthError } from '../errors';
import type { ReleaseRecord } from '../ports/store';
import { LABEL } from '../naming/container-names';
import { runningTypes, type Deployer } from './deployer';

export interface ChecksRun {
  readonly passed: boolean;
  /** What a deploy's log would say of these checks, line by line. */
  readonly lines: readonly string[];
}

/**
 * dokku's `checks:run <app> [types]`: the current release's startup/readiness checks, run now
 * against its running containers, as a deploy runs them (Deployer.checkHealth, checks:disable and
 * checks:skip honoured). Nothing is started, stopped or re-routed. docker-local apps only: a swarm
 * service's tasks are not this host's containers.
 */
export async function runChecksNow(o: {
  deployer: Pick<Deployer, 'containersOf' | 'checkHealth'>;
  release: ReleaseRecord;
  types: readonly string[] | undefined;
  swarm: boolean;
}): Promise<ChecksRun> {
  const { release } = o;
  if (o.swarm) throw new BerthError('INVALID_INPUT', `${release.app} runs on swarm; checks:run checks docker-local apps' containers (swarm checks each task as it starts).`);
  const known = runningTypes(release);
  const types = o.types?.length ? [...new Set(o.types)] : known;
  const unknown = types.find((t) => !known.includes(t));
  if (unknown) throw new BerthError('INVALID_INPUT', `${release.app} has no process type "${unknown}" in v${release.version}; its types: ${known.join(', ')}.`);
  const containers = (await o.deployer.containersOf(release.app))
    .filter((c) => c.state === 'running' && c.labels[LABEL.release] === String(release.version));
  const lines: string[] = [];
  const log = (line: string) => { lines.push(line); };
  for (const type of types) {
    const of = containers.filter((c) => c.labels[LABEL.process] === type);
    if (of.length === 0) { log(`-----> ${type}: no running container to check`); continue; }
    const before = lines.length;
    try {
      await o.deployer.checkHealth(release, type, of, log);
      if (lines.length === before) log(`-----> ${type}: no checks (app.json declares none for it)`);
    } catch (e) {
      if (!(e instanceof BerthError) || e.code !== 'HEALTHCHECK_FAILED') throw e;
      log(`-----> ${type} checks failed`);
      return { passed: false, lines };
    }
  }
  return { passed: true, lines };
}
