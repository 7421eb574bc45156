import { randomBytes } from 'node:crypto';
import { createDockerEngine } from '../../app/infra/docker';
import { OneOffRunner } from '../../app/one-off';
import { LABEL } from '../../app/naming/container-names';
import { LineSplitter, type LogsService } from '../../app/logs';
import type { AppRecord, ReleaseRecord } from '../../app/ports/store';
import { oneOffRunnerConformance } from '../conformance/one-off-runner';
import { requireBerthStack } from '../support/requirements';

const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';

// The real adapter: docker-local's OneOffRunner on the Docker Engine, running berth/busybox (what
// install.sh builds) as the app's release image. The app and release reads are the apps and releases
// modules' ports, filled here as those services answer; the log is LogsService's one-off writer's lines.
oneOffRunnerConformance('OneOffRunner on the Docker Engine', async () => {
  requireBerthStack();
  const engine = createDockerEngine({ socketPath: SOCKET });
  const scope = `berth-conf-${randomBytes(4).toString('hex')}`;
  const app = `shop-${randomBytes(3).toString('hex')}`;
  const record = (name: string) => ({ id: name, name, createdAt: '', deployBranch: 'main', builder: null, buildpack: null, restartPolicy: 'no', memoryMb: 64, cpus: null }) as AppRecord;
  const release = { app, version: 3, image: 'berth/busybox:latest' } as ReleaseRecord;
  const logged: string[] = [];
  const logs = {
    oneOffWriter: (_app: string, tag: string) => new LineSplitter((lines) => logged.push(...lines.map((l) => `${tag} | ${l}`))),
  } as unknown as LogsService;
  const runner = new OneOffRunner({
    apps: { find: (n) => (n === app || n === 'empty' ? record(n) : null), list: () => [record(app), record('empty')] },
    releases: { current: (a) => (a === app ? release : null), list: (a) => (a === app ? [release] : []), get: (a, v) => (a === app && v === 3 ? release : null) },
    engine, logs, network: scope, mountsOf: () => [],
    envFor: () => ({ GREETING: 'hello world' }),
    appNetwork: async () => 'bridge',
  });
  const mine = () => engine.listContainers({ labels: { [LABEL.app]: app, [LABEL.scope]: `${scope}-oneoff` } });
  return {
    runner, app, undeployed: 'empty',
    containers: async () => (await mine()).map((c) => c.state),
    logged: () => [...logged],
    async close() { for (const c of await mine()) await engine.removeContainer(c.id); },
  };
});
