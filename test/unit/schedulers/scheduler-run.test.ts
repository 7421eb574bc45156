import assert from 'node:assert/strict';
import { DockerLocalScheduler, SwarmScheduler } from '../../../app/schedulers';
import { SchedulerRegistry } from '../../../app/deploys';
import { CronService } from '../../../app/cron';
import { DeployScripts, type OneOffRun } from '../../../app/one-off';
import type { ReleaseRecord } from '../../../app/ports/store';
import { EMPTY_MANIFEST } from '../../../app/manifest';
import { readersOf } from '../../support/store-readers';
import { InMemorySchedulerState } from '../../support/fakes/scheduler-state';

/** The scheduler registry over fakes: which scheduler each app has, and what reaches the runner. */
function setup() {
  const schedulers = new InMemorySchedulerState();
  for (const [app, name] of [['sw', 'swarm'], ['loc', 'docker-local']] as const) { schedulers.addApp(app); schedulers.setScheduler(app, name); }
  const runs: OneOffRun[] = [];
  const networks: string[] = [];
  const release = { app: 'sw', version: 3, image: 'berth/sw:v3', manifest: { ...EMPTY_MANIFEST, predeploy: 'migrate' } } as unknown as ReleaseRecord;
  const store = {
    schedulers,
    apps: { get: (app: string) => ({ name: app }) },
    releases: { current: () => release },
  };
  const engine = { ensureNetwork: async (n: string) => { networks.push(n); } };
  const runOneOff = async (o: OneOffRun) => { runs.push(o); return 7; };
  const local = new DockerLocalScheduler({ deployer: {} as never, isStopped: () => false, setStopped: () => undefined, runOneOff });
  // As create-berth wires it: a swarm app may have no local container yet, so berth's network is ensured first.
  const swarm = new SwarmScheduler({
    store, network: 'berthnet',
    runOneOff: async (o: OneOffRun) => { await engine.ensureNetwork('berthnet'); return runOneOff(o); },
  } as unknown as ConstructorParameters<typeof SwarmScheduler>[0]);
  const deployer = Object.assign(new SchedulerRegistry({
    schedulers: [local, swarm], defaultScheduler: 'docker-local',
    settings: store.schedulers,
  }), { local, swarm });
  // As create-berth wires it: every one-off goes through the app's scheduler.
  const oneOffs = { run: (o: OneOffRun) => deployer.for(o.app).run(o) };
  return { deployer, runs, networks, release, store, oneOffs };
}

describe('Scheduler.run (one-off commands)', () => {
  it("sends a swarm app's one-off to the swarm scheduler's run, which hands it to the runner", async () => {
    const { deployer, runs, networks } = setup();
    const swarmRuns: string[] = [];
    const original = deployer.swarm.run.bind(deployer.swarm);
    deployer.swarm.run = (o) => { swarmRuns.push(o.app); return original(o); };
    assert.equal(deployer.for('sw'), deployer.swarm);
    const code = await deployer.for('sw').run({ app: 'sw', command: ['echo', 'hi'], kind: 'run' });
    assert.equal(code, 7);
    assert.deepEqual(swarmRuns, ['sw']);
    assert.deepEqual(runs.map((r) => [r.app, r.kind, r.command]), [['sw', 'run', ['echo', 'hi']]]);
    // A swarm app may have no local container yet: berth's network is ensured first.
    assert.deepEqual(networks, ['berthnet']);
  });

  it("sends a docker-local app's one-off to the local scheduler, unchanged", async () => {
    const { deployer, runs, networks } = setup();
    assert.equal(deployer.for('loc'), deployer.local);
    assert.equal(await deployer.for('loc').run({ app: 'loc', command: 'true', kind: 'run' }), 7);
    assert.deepEqual(runs.map((r) => r.app), ['loc']);
    assert.deepEqual(networks, []);
  });

  it("routes cron runs and deploy scripts of a swarm app through its scheduler", async () => {
    const { deployer, runs, release, store, oneOffs } = setup();
    let swarmCalls = 0;
    const original = deployer.swarm.run.bind(deployer.swarm);
    deployer.swarm.run = (o) => { swarmCalls += 1; return original(o); };
    const cron = new CronService({ ...readersOf(store as never), scheduler: {} as never, runner: oneOffs });
    await cron.handle({ app: 'sw', name: 'tick', schedule: '* * * * *', command: 'tick' } as never);
    const scripts = new DeployScripts({ runner: oneOffs });
    // The runner's fake exit code 7 fails the predeploy: proof its code came back through the scheduler.
    await assert.rejects(scripts.beforeDeploy(release, () => undefined), (e: { code?: string }) => e.code === 'DEPLOY_FAILED');
    assert.equal(swarmCalls, 2);
    assert.deepEqual(runs.map((r) => [r.kind, r.tag]), [['cron', 'cron.tick'], ['predeploy', 'predeploy']]);
  });
});
