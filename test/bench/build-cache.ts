/**
 * Build-cache bench (issue #4): the node buildpack building a small express app (72 packages
 * from npm's registry) cold — manifest changed, so dependencies install — versus after a
 * code-only change, alternating in one run. Uses berth's own ImageBuilder against the real
 * engine, so it measures the build phase exactly as a push runs it. Target ratio ≤ 0.3.
 * ≥ 5 rounds alternating which build goes first; each build's log is checked: the cold one's
 * dependency step ran, the code-only one's came from the cache (else the figures mean nothing).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageBuilder, RuntimeImageCache } from '../../app/builds';
import { NpmVersions } from '../../app/infra/npm';
import { createDockerEngine } from '../../app/infra/docker';
import type { AppRecord } from '../../app/ports/store';
import { loadBuildpacks } from '../../buildpacks';
import { DEPS_MARKER } from '../../buildpacks/node';
import { ROOT } from '../support/berth-process';
import type { BenchResult } from './bench-types';
import { alternate, ratio, roundsFromEnv, spread } from './rounds';

const ROUNDS = roundsFromEnv();

/** Whether the dependency steps (the buildpack's DEPS_MARKER) came from the cache; throws when the log has none. */
function depsCached(log: readonly string[]): boolean {
  // Buildpack builds run on BuildKit (npm's cache mount): ImageBuilder indents its `#N …` lines;
  // a step is `#N [stage i/n] RUN …` and, when cached, `#N CACHED`.
  const lines = log.map((l) => l.trim());
  const steps = lines.map((l) => /^#(\d+) \[[^\]]+\] RUN /.test(l) && l.includes(DEPS_MARKER) ? /^#(\d+)/.exec(l)![1] : null).filter((n): n is string => n !== null);
  if (steps.length === 0) throw new Error(`no dependency step in the build log:\n${log.join('\n')}`);
  return steps.every((n) => lines.includes(`#${n} CACHED`));
}

export async function run(): Promise<BenchResult> {
  const engine = createDockerEngine({ socketPath: '/var/run/docker.sock' });
  const runtimes = new RuntimeImageCache({ engine, versions: new NpmVersions(), memoryMb: 2048 });
  const builder = new ImageBuilder({ engine, buildpacks: loadBuildpacks(), memoryMb: 2048, runtimes });
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));
  fs.cpSync(path.join(ROOT, 'test/fixtures/apps/bench-express'), src, { recursive: true });
  const app: AppRecord = {
    id: 'bench0cache0', name: 'bench-cache', createdAt: '', deployBranch: 'main', builder: null, buildpack: null,
    restartPolicy: 'no', memoryMb: null, cpus: null,
  };
  const tags: string[] = [];
  const build = async (): Promise<{ seconds: number; log: string[] }> => {
    const tarPath = `${src}.tar`;
    spawnSync('tar', ['-cf', tarPath, '-C', src, '.']);
    const tag = `berth-bench/cache:${crypto.randomBytes(3).toString('hex')}`;
    tags.push(tag);
    const log: string[] = [];
    const t0 = process.hrtime.bigint();
    await builder.build(app, { snapshotPath: tarPath, tag, buildArgs: {}, log: (l) => log.push(l), signal: new AbortController().signal });
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, log };
  };
  const pkgFile = path.join(src, 'package.json');
  const serverFile = path.join(src, 'server.js');
  try {
    await build(); // warm the runtime image and the stages that never change
    // Cold: the manifest changed, so the dependency step must run. Code-only: only server.js
    // changed, so it must come from the cache (from whichever build ran last, same manifest).
    const cold = async (): Promise<number> => {
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
      pkg.description = `cold ${crypto.randomUUID()}`;
      fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
      const b = await build();
      if (depsCached(b.log)) throw new Error('the cold build took its dependencies from the cache');
      return b.seconds;
    };
    const codeOnly = async (round: number): Promise<number> => {
      fs.appendFileSync(serverFile, `// change ${round}\n`);
      const b = await build();
      if (!depsCached(b.log)) throw new Error(`the code-only rebuild installed the dependencies again:\n${b.log.join('\n')}`);
      return b.seconds;
    };
    const s = await alternate(ROUNDS, codeOnly, cold);
    return {
      name: 'build-cache',
      method: `node buildpack, express app (72 packages), ${ROUNDS} rounds alternating which build goes first, each build's dependency step checked (cold: ran, code-only: cached); median (min–max), the ratio taken per round`,
      figures: [
        { label: 'cold build, dependencies installed (s)', value: spread(s.b) },
        { label: 'code-only rebuild (s)', value: spread(s.a) },
        { label: 'code-only / cold ratio', value: ratio(s).text, target: '≤ 0.3' },
      ],
    };
  } finally {
    for (const t of tags) spawnSync('docker', ['rmi', '-f', t]);
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(`${src}.tar`, { force: true });
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
