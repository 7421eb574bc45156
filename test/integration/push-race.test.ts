import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRedisInfra, type RedisInfra } from '../../app/infra/redis';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';

const ROUNDS = 20;

interface Build { id: number; status: string; source: string; error: string | null; releaseVersion: number | null; startedAt: string; finishedAt: string }
interface Release { version: number; gitSha: string | null; current: boolean }

/**
 * Two clones push different commits on the same branch head at once, ROUNDS times. git accepts one
 * ref update; berth must release exactly that commit, and fail the other build as superseded before
 * anything of it is built. Both builds are queued before either may run (the test holds the app's
 * build turn until both are in the queue), so every round is a real race of two queued builds.
 */
describe('two pushes racing to one app (real git, BullMQ, docker, nginx)', function () {
  this.timeout(900_000);
  let redis: RedisInfra;
  const app = uniqueName('race');
  const trees: WorkTree[] = [];

  const remote = () => berth.url.replace('http://', `http://berth:${berth.token}@`) + `/git/${app}.git`;
  const push = (t: WorkTree) => new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn('git', ['push', remote(), 'main'], { cwd: t.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
  const builds = async () => (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json.builds as Build[];
  const releases = async () => (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases as Release[];
  const branchHead = (t: WorkTree) => t.git(['ls-remote', remote(), 'refs/heads/main']).output.split(/\s/)[0];
  const imageExists = (ref: string) => spawnSync('docker', ['image', 'inspect', ref]).status === 0;

  after(async () => {
    trees.forEach((t) => t.remove());
    await redis?.close();
  });
  const berth = useBerth();
  before(async () => {
    redis = createRedisInfra({ url: berth.env.REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: berth.env.BERTH_REDIS_PREFIX });
    const a = WorkTree.fromFixture('dockerfile-app');
    trees.push(a, WorkTree.fromFixture('dockerfile-app'));
    const first = a.push(berth.url, berth.token, app);
    assert.equal(first.code, 0, first.output);
  });

  it(`${ROUNDS} rounds: the release's commit is always the branch head, the loser is superseded and never built`, async () => {
    const [a, b] = trees;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of [a, b]) {
        assert.equal(t.git(['fetch', '-q', remote(), 'main']).code, 0);
        t.git(['reset', '-q', '--hard', 'FETCH_HEAD']);
      }
      a.write('www/index.html', `round ${round} a\n`);
      a.commitAll(`round ${round} a`);
      b.write('www/index.html', `round ${round} b\n`);
      b.commitAll(`round ${round} b`);
      const sha = { a: a.git(['rev-parse', 'HEAD']).output.trim(), b: b.git(['rev-parse', 'HEAD']).output.trim() };
      const releasesBefore = (await releases()).length;

      // Hold the app's build turn (the queue's own lock) until both pushes have queued a build.
      const release = await redis.locks.acquire(`app:${app}`);
      let pushes: Promise<Array<{ code: number; output: string }>>;
      try {
        pushes = Promise.all([push(a), push(b)]);
        await waitFor(`round ${round}: both builds queued`, async () => {
          const queued = (await builds()).filter((x) => x.status === 'queued').map((x) => x.source).sort();
          return queued.length === 2 && queued.join() === [sha.a, sha.b].sort().join();
        });
      } finally {
        await release();
      }
      const [ra, rb] = await pushes;

      const head = branchHead(a);
      assert.ok(head === sha.a || head === sha.b, `round ${round}: the branch is at neither pushed commit (${head})`);
      const [winner, loser] = head === sha.a ? ['a', 'b'] as const : ['b', 'a'] as const;
      const results = { a: ra, b: rb };
      assert.equal(results[winner].code, 0, `round ${round}: the accepted push failed:\n${results[winner].output}`);
      assert.notEqual(results[loser].code, 0, `round ${round}: the refused push succeeded:\n${results[loser].output}`);
      assert.match(results[loser].output, /Another push updated the branch while this one waited/);

      const rel = await releases();
      assert.equal(rel.length, releasesBefore + 1, `round ${round}: exactly one new release`);
      const current = rel.find((r) => r.current)!;
      assert.equal(current.gitSha, head, `round ${round}: the live release is the branch head`);
      assert.equal(rel.filter((r) => r.gitSha === sha[loser]).length, 0, `round ${round}: no release of the refused commit`);

      const all = await builds();
      const lost = all.find((x) => x.source === sha[loser])!;
      const won = all.find((x) => x.source === sha[winner])!;
      assert.equal(won.status, 'succeeded');
      assert.equal(won.releaseVersion, current.version);
      assert.ok(lost.startedAt >= won.finishedAt, `round ${round}: the two builds overlapped: ${JSON.stringify([won, lost])}`);
      assert.equal(lost.status, 'failed');
      assert.match(lost.error ?? '', /^PUSH_SUPERSEDED: /);
      assert.equal(lost.releaseVersion, null);
      const lostLog = (await berth.api('GET', `/api/v1/apps/${app}/builds/${lost.id}/log`)).text;
      assert.doesNotMatch(lostLog, /-----> Building/, `round ${round}: the superseded build was not built`);
      assert.equal(imageExists(`berth/${app}:build-${lost.id}`), false, `round ${round}: no image of the superseded build`);
      assert.equal((await berth.viaRouter(`${app}.localhost`)).text, `round ${round} ${winner}\n`);
    }
  });
});
