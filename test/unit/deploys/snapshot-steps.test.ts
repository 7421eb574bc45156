import assert from 'node:assert/strict';
import { ReleasePipeline, type DataSnapshotSteps, type ReleaseRun } from '../../../app/deploys';
import type { BuildRecord, ReleaseRecord } from '../../../app/ports/store';

/**
 * The pipeline's `snapshot` and `restore-data` steps with fakes: when they run, that a failed
 * snapshot stops the deploy before the release command, and what a later failure undoes.
 */
describe('release pipeline: snapshot before the release command, restore-data on a rollback', () => {
  let calls: string[];
  let failAt: 'snapshot' | 'health' | 'restore' | 'restore and put back' | null;

  function pipelineFor(processes: Record<string, string>): ReleasePipeline {
    const release = { app: 'shop', version: 7, processes, manifest: { predeploy: null } } as unknown as ReleaseRecord;
    const scheduler = {
      name: 'docker-local',
      runReleaseCommand: async () => { calls.push('release command'); },
      start: async () => { calls.push('start'); return { release, made: '1 container' }; },
      unstart: async () => { calls.push('unstart'); return 'removed 1 container'; },
      checkHealth: async () => { if (failAt === 'health') throw new Error('unhealthy'); },
      switchTo: async () => { calls.push('switch'); },
      retireOld: async () => undefined,
      route: async () => undefined,
    };
    const snapshots: DataSnapshotSteps = {
      migrates: (r) => Boolean(r.processes.release),
      take: async (o) => {
        calls.push(`take v${o.version}`);
        if (failAt === 'snapshot') throw new Error('SNAPSHOT_FAILED');
        return [{}];
      },
      discard: (_app, v) => { calls.push(`discard v${v}`); return 'removed'; },
      restore: async (o) => {
        calls.push(`restore for v${o.target} as v${o.running}`);
        if (failAt === 'restore' || failAt === 'restore and put back') throw new Error('import failed');
        return { before: o.target + 1 };
      },
      importAll: async (o) => {
        calls.push(`import back v${o.version}`);
        if (failAt === 'restore and put back') throw new Error('import back failed');
        return 'restored';
      },
      rescue: (_app, v) => { calls.push(`rescue v${v}`); return 'kept'; },
      prune: () => { calls.push('prune'); },
    };
    return new ReleasePipeline({
      producer: {
        appOf: () => ({ name: 'shop' }) as never, buildTag: () => null, build: async () => ({ image: '' }), dropBuild: async () => '',
        release: async () => release, discard: async () => { calls.push('discard release'); return 'deleted v7'; },
      },
      schedulers: { for: () => scheduler, runningOn: () => 'docker-local', get: () => scheduler, markRunningOn: () => undefined, othersRunning: () => [] } as never,
      hooks: { run: async () => undefined },
      currentRelease: () => ({ version: 6 }) as ReleaseRecord,
      snapshots,
    });
  }

  async function run(p: ReleasePipeline, kind: 'push' | 'rollback', source: string): Promise<string | null> {
    const build = { id: 1, app: 'shop', kind, source, user: 'ann' } as BuildRecord;
    const r: ReleaseRun = { build, job: { buildId: 1, app: 'shop', kind }, log: () => undefined, goLive: (_rel, also) => also() };
    try {
      await p.run(r);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  beforeEach(() => { calls = []; failAt = null; });

  it('runs in order build → release → snapshot → restore-data → predeploy', () => {
    const names = pipelineFor({ web: 'x' }).steps.map((s) => s.name);
    assert.deepEqual(names.slice(names.indexOf('release'), names.indexOf('predeploy') + 1), ['release', 'hook deploy:before', 'snapshot', 'restore-data', 'predeploy']);
  });

  it('a release with a release command is snapshotted (and pruned) before the command runs', async () => {
    assert.equal(await run(pipelineFor({ web: 'x', release: 'migrate' }), 'push', 'abc'), null);
    assert.deepEqual(calls.slice(0, 3), ['take v7', 'prune', 'release command']);
  });

  it('without a release command nothing is snapshotted', async () => {
    assert.equal(await run(pipelineFor({ web: 'x' }), 'push', 'abc'), null);
    assert.deepEqual(calls.filter((c) => c.startsWith('take')), []);
  });

  it('a failed snapshot stops the deploy: the release command never runs, the release is discarded', async () => {
    failAt = 'snapshot';
    assert.equal(await run(pipelineFor({ web: 'x', release: 'migrate' }), 'push', 'abc'), 'SNAPSHOT_FAILED');
    assert.deepEqual(calls, ['take v7', 'discard release']);
  });

  it('a --restore-data rollback snapshots the data now, restores, and on a later failure imports the data back and drops that snapshot', async () => {
    assert.equal(await run(pipelineFor({ web: 'x' }), 'rollback', 'v3 restore-data'), null);
    assert.deepEqual(calls.slice(0, 3), ['take v7', 'restore for v3 as v7', 'prune']);
    calls = [];
    failAt = 'health';
    assert.equal(await run(pipelineFor({ web: 'x' }), 'rollback', 'v3 restore-data'), 'unhealthy');
    assert.deepEqual(calls, ['take v7', 'restore for v3 as v7', 'prune', 'start', 'unstart', 'import back v7', 'discard v7', 'discard release']);
  });

  it('a plain rollback restores nothing', async () => {
    assert.equal(await run(pipelineFor({ web: 'x' }), 'rollback', 'v3'), null);
    assert.deepEqual(calls.filter((c) => /take|restore/.test(c)), []);
  });

  it('a restore that fails puts the data back from the snapshot just taken; when that fails too the snapshot is kept (rescued), not deleted', async () => {
    failAt = 'restore';
    assert.equal(await run(pipelineFor({ web: 'x' }), 'rollback', 'v3 restore-data'), 'import failed');
    assert.deepEqual(calls, ['take v7', 'restore for v3 as v7', 'import back v7', 'discard v7', 'discard release']);
    calls = [];
    failAt = 'restore and put back';
    assert.equal(await run(pipelineFor({ web: 'x' }), 'rollback', 'v3 restore-data'), 'import failed');
    assert.deepEqual(calls, ['take v7', 'restore for v3 as v7', 'import back v7', 'rescue v7', 'discard release']);
  });
});
