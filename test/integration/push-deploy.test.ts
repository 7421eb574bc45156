import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { ensureServiceImage, removeServiceLeftovers } from './services-support';
import { WorkTree } from '../support/git-client';

describe('push to deploy (real git, docker, redis, nginx)', function () {
  this.timeout(300_000);
  const trees: WorkTree[] = [];
  const tree = (fixture: string) => { const t = WorkTree.fromFixture(fixture); trees.push(t); return t; };

  after(async () => {
    trees.forEach((t) => t.remove());
    if (isStarted(berth)) removeServiceLeftovers(berth);
  });
  // The review apps test links a redis service.
  const berth = useBerth({}, { setUp: () => ensureServiceImage(path.join(ROOT, 'plugins', 'redis')) });

  it('builds a Dockerfile app from a push, streams the build, and routes its domain', async () => {
    const app = uniqueName('push');
    const wt = tree('dockerfile-app');
    const first = wt.push(berth.url, berth.token, app);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /remote: -----> Build \d+ queued/);
    assert.match(first.output, /remote: -----> Building with the Dockerfile \(BuildKit\)/);
    assert.match(first.output, /remote:\s+#\d+ \[(stage-0 )?1\/\d+\] FROM docker\.io\/berth\/busybox/);
    assert.match(first.output, new RegExp(`remote: =====> Deployed http://${app}\\.localhost:${berth.routerPort} \\(v1\\)`));
    const served = await berth.viaRouter(`${app}.localhost`);
    assert.equal(served.status, 200);
    assert.equal(served.text.trim(), 'dockerfile-app v1');

    wt.write('www/index.html', 'dockerfile-app v2\n');
    wt.commitAll('v2');
    const second = wt.push(berth.url, berth.token, app);
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, /#\d+ CACHED/, 'the unchanged layers come from the cache (BuildKit)');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v2');

    // A push that changes nothing in the tree rebuilds entirely from the cache.
    wt.commitAll('no change');
    const third = wt.push(berth.url, berth.token, app);
    assert.equal(third.code, 0, third.output);
    // Every step after FROM (which BuildKit resolves, not caches) comes from the cache.
    const steps = [...third.output.matchAll(/#(\d+) \[\d+\/\d+\] (?!FROM )/g)].map((m) => m[1]);
    assert.equal(steps.length, 2, third.output);
    for (const n of steps) assert.match(third.output, new RegExp(`#${n} CACHED`), `step #${n} ran again:\n${third.output}`);

    const builds = await berth.api('GET', `/api/v1/apps/${app}/builds`);
    assert.deepEqual(builds.json.builds.map((b: { status: string }) => b.status), ['succeeded', 'succeeded', 'succeeded']);
    const log = await berth.api('GET', `/api/v1/apps/${app}/builds/latest/log`);
    assert.match(log.text, /Deployed/);
  });

  it('a broken Dockerfile fails the push with docker\'s error and the previous release keeps serving', async () => {
    const app = uniqueName('broken');
    const wt = tree('dockerfile-app');
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    wt.write('Dockerfile', 'FROM berth/busybox:latest\nRUN echo "about to fail" && exit 3\n');
    wt.commitAll('break it');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /about to fail/);
    assert.match(pushed.output, /docker build failed: executor failed running \[\/bin\/sh -c echo "about to fail" && exit 3\]: exit code: 3/);
    assert.match(pushed.output, /pre-receive hook declined/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v1');
    const remote = wt.git(['ls-remote', berth.url.replace('http://', `http://berth:${berth.token}@`) + `/git/${app}.git`, 'main']);
    assert.notEqual(remote.output.split(/\s/)[0], wt.git(['rev-parse', 'HEAD']).output.trim(), 'the refused commit is not on the branch');
  });

  it('refuses a push with a wrong token and builds nothing', async () => {
    const app = uniqueName('auth');
    await berth.api('POST', '/api/v1/apps', { name: app });
    const wt = tree('dockerfile-app');
    const pushed = wt.push(berth.url, 'not-a-token', app);
    assert.notEqual(pushed.code, 0);
    assert.ok(pushed.output.includes(`fatal: Authentication failed for '${berth.url}/git/${app}.git/'`), pushed.output);
    const builds = await berth.api('GET', `/api/v1/apps/${app}/builds`);
    assert.deepEqual(builds.json.builds, []);
  });

  it('refuses pushes to another branch, naming the deploy branch', async () => {
    const app = uniqueName('branch');
    const wt = tree('dockerfile-app');
    const pushed = wt.push(berth.url, berth.token, app, 'main:feature');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /Only pushes to "main" deploy/);
  });

  it('deploys two apps pushed at the same time', async () => {
    const [a, b] = [uniqueName('para'), uniqueName('parb')];
    const [ta, tb] = [tree('dockerfile-app'), tree('dockerfile-app')];
    tb.write('www/index.html', 'app b\n');
    tb.commitAll('b');
    const push = (t: WorkTree, app: string) => new Promise<{ code: number; output: string }>((resolve) => {
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      const url = berth.url.replace('http://', `http://berth:${berth.token}@`) + `/git/${app}.git`;
      const child = spawn('git', ['push', url, 'main'], { cwd: t.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
      let output = '';
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
      child.on('close', (code) => resolve({ code: code ?? -1, output }));
    });
    const [ra, rb] = await Promise.all([push(ta, a), push(tb, b)]);
    assert.equal(ra.code, 0, ra.output);
    assert.equal(rb.code, 0, rb.output);
    assert.equal((await berth.viaRouter(`${a}.localhost`)).text.trim(), 'dockerfile-app v1');
    assert.equal((await berth.viaRouter(`${b}.localhost`)).text.trim(), 'app b');

    // Two pushes of one app racing: test/integration/push-race.test.ts.
  });

  it('git push paas review/x makes <app>-x on its own domain with the parent\'s config, app.json\'s overrides and a new redis; deleting the branch destroys both', async () => {
    const app = uniqueName('rev');
    const review = `${app}-x`;
    await berth.api('POST', '/api/v1/apps', { name: app });
    await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { GREETING: 'parent-greeting', ONLY_PARENT: 'copied' }, restart: false });
    assert.equal((await berth.api('POST', '/api/v1/services/redis', { name: `${app}-cache` })).status, 201);
    assert.equal((await berth.api('POST', `/api/v1/services/redis/${app}-cache/links`, { app })).status, 201);
    // Another app that merely has a review app's name: a push to review/y must not take it over.
    const other = `${app}-y`;
    await berth.api('POST', '/api/v1/apps', { name: other });
    await berth.api('PATCH', `/api/v1/apps/${other}/config`, { set: { OTHERS: 'secret' }, restart: false });

    const wt = tree('dockerfile-app');
    wt.write('start.sh', '#!/bin/sh\necho "$GREETING/$ONLY_PARENT/$OTHERS/${REDIS_URL##*@}" > /www/env.txt\nexec httpd -f -p "${PORT:-5000}" -h /www\n');
    wt.write('app.json', JSON.stringify({ environments: { review: { env: { GREETING: 'review-greeting' }, services: 'new' } } }));
    wt.commitAll('review me');
    const pushed = wt.push(berth.url, berth.token, app, 'HEAD:refs/heads/review/x');
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, new RegExp(`remote: -----> Creating review app ${review} from ${app}`));
    assert.match(pushed.output, new RegExp(`remote:        created redis service ${review}, linked as REDIS_URL`));
    assert.match(pushed.output, new RegExp(`remote: =====> Deployed http://${review}\\.localhost:${berth.routerPort} \\(v1\\)`));
    assert.deepEqual(await berth.viaRouter(`${review}.localhost`, '/env.txt'), { status: 200, text: `review-greeting/copied//berth-svc-redis-${review}:6379/0\n` });
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/env.txt')).status, 404, 'the parent deployed nothing');
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config, { GREETING: 'parent-greeting', ONLY_PARENT: 'copied' });

    const taken = wt.push(berth.url, berth.token, app, 'HEAD:refs/heads/review/y');
    assert.notEqual(taken.code, 0, taken.output);
    assert.match(taken.output, new RegExp(`remote: !     An app named "${other}" exists and is not a review app of ${app}; push to another review/<name> branch\\. \\(REVIEW_APP_TAKEN\\)`));
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${other}/builds`)).json.builds, []);
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${other}/config`)).json.config, { OTHERS: 'secret' });

    const deleted = wt.push(berth.url, berth.token, app, ':refs/heads/review/x');
    assert.equal(deleted.code, 0, deleted.output);
    assert.match(deleted.output, new RegExp(`remote: =====> Review app ${review} destroyed`));
    assert.equal((await berth.api('GET', `/api/v1/apps/${review}`)).status, 404);
    assert.equal((await berth.viaRouter(`${review}.localhost`, '/env.txt')).status, 404);
    assert.equal((await berth.api('GET', `/api/v1/services/redis/${review}`)).status, 404);
    assert.match(deleted.output, new RegExp(`remote:        destroyed redis service ${review} and its data`));
    assert.equal((await berth.api('GET', `/api/v1/services/redis/${app}-cache`)).status, 200, 'the parent\'s service stays');
  });
});
