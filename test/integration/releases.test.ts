import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ownImageLabel } from '../support/app-images';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { csrfIn, DashboardSession } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';

/** Waits for a queued build (config change, rollback, image deploy) by following its log. */
async function followBuild(berth: BerthProcess, app: string, id: number): Promise<string> {
  const log = await berth.api('GET', `/api/v1/apps/${app}/builds/${id}/log?follow=1`);
  return log.text;
}

describe('releases: config changes, rollback, image deploys, failed deploys', function () {
  this.timeout(300_000);
  const trees: WorkTree[] = [];
  const tree = () => { const t = WorkTree.fromFixture('dockerfile-app'); trees.push(t); return t; };
  const PASSWORD = 'releases test password';

  after(async () => {
    trees.forEach((t) => t.remove());
    spawnSync('docker', ['rmi', '-f', 'berth-test/ready-image:1']);
  });
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });

  it('a config change makes a new release the app sees; rollback re-releases an old image and config', async () => {
    const app = uniqueName('rel');
    const wt = tree();
    const first = wt.push(berth.url, berth.token, app);
    assert.equal(first.code, 0, first.output);
    // What a build logs (and a rollback, which re-releases an image, must not).
    assert.match(first.output, new RegExp(`-----> Building ${app} `));
    const imageId = (ref: string) => spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8' }).stdout.trim();
    const v1Image = imageId(`berth/${app}:v1`);
    assert.match(v1Image, /^sha256:/);

    const set = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { GREETING: 'hello' } });
    assert.ok(set.json.build, 'a config change on a deployed app queues a release');
    const log = await followBuild(berth, app, set.json.build.id);
    assert.match(log, /@@berth-status succeeded/);
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/greeting.txt')).text.trim(), 'hello');

    wt.write('www/index.html', 'dockerfile-app v3\n');
    wt.commitAll('v3');
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v3');

    // Before it acts, a rollback says which config vars change (names only): v1 had no GREETING.
    const plan = await berth.api('GET', `/api/v1/apps/${app}/releases/rollback?version=v1`);
    assert.equal(plan.status, 200, plan.text);
    assert.deepEqual(plan.json.plan, { from: 3, to: 1, description: plan.json.plan.description, config: { added: [], removed: ['GREETING'], changed: [] } });
    const session = new DashboardSession(berth.url);
    await session.login(PASSWORD);
    const confirm = await session.get(`/apps/${app}/rollback?version=1`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /<li data-config-change="removed"><code>GREETING<\/code> is removed \(v1 did not have it\)<\/li>/);
    assert.match(confirm.text, /<button type="submit" class="danger">Roll back to v1<\/button>/);

    // Heroku's rule: the rollback releases v1's code *and* config; the app's config vars become v1's.
    const rb = berth.cli(['releases:rollback', app, 'v1']);
    assert.equal(rb.code, 0, rb.stdout + rb.stderr);
    const rbLog = rb.stdout;
    assert.match(rbLog, new RegExp(`^-----> Rolling ${app} back from v3 to v1 \\(push [0-9a-f]{7}\\): its code and its config vars$`, 'm'));
    assert.match(rbLog, /^ {7}Config vars removed \(v1 had none\): GREETING$/m);
    assert.match(rbLog, /^-----> Config vars are v1's again: unset GREETING$/m);
    assert.doesNotMatch(rbLog, /-----> Building/, 'rollback needs no rebuild');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v1');
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/greeting.txt')).status, 404, 'v1 had no GREETING');
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config, {}, 'the config API shows v1\'s config');
    assert.doesNotMatch((await session.get(`/apps/${app}/config`)).text, /data-key="GREETING"/, 'the config panel shows v1\'s config');

    const releases = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.deepEqual(releases.map((r: { version: number; current: boolean }) => [r.version, r.current]),
      [[4, true], [3, false], [2, false], [1, false]]);
    assert.equal(releases[0].description, 'rollback to v1');
    assert.equal(releases[0].image, releases[3].image.replace(/:v1$/, ':v4'));
    assert.equal(imageId(releases[0].image), v1Image, 'v4 is v1\'s image, not a rebuild of it');

    // Build lists say what each build did once: "config change", not "config config change".
    const list = berth.cli(['builds:list', app]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /\bconfig change\b/);
    assert.match(list.stdout, /\brollback v1\b/);
    assert.doesNotMatch(list.stdout, /config\s+config change/);
    // The next config change starts from v1's config: GREETING does not come back.
    const next = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { OTHER: 'x' } });
    assert.match(await followBuild(berth, app, next.json.build.id), /@@berth-status succeeded/);
    assert.deepEqual(next.json.config, { OTHER: 'x' });
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/greeting.txt')).status, 404, 'GREETING stays gone');
    const page = await session.get(`/apps/${app}/deploys`);
    assert.equal(page.status, 200);
    assert.match(page.text, />\s*config change ·/);
    assert.doesNotMatch(page.text, /config\s+config change/);
    const buildPage = await session.get(`/apps/${app}/builds/${set.json.build.id}`);
    assert.match(buildPage.text, /config change · by admin/);
    assert.doesNotMatch(buildPage.text, /config\s+config change/);

    // Redeploy from the browser (the Deploys tab's form): the deploy branch's commit is built again into
    // a new release, which the page then follows live.
    const head = wt.git(['rev-parse', 'HEAD']).output.trim();
    assert.match(page.text, new RegExp(`<form method="post" action="/apps/${app}/rebuild"`));
    const redeploy = await session.request('POST', `/apps/${app}/rebuild`, { _csrf: csrfIn(page.text) });
    assert.equal(redeploy.status, 303, redeploy.text);
    const buildId = Number(/[?&]build=(\d+)#live$/.exec(redeploy.location ?? '')?.[1]);
    assert.equal(redeploy.location, `/apps/${app}/deploys?build=${buildId}#live`);
    assert.match(await followBuild(berth, app, buildId), /@@berth-status succeeded/);
    const [rebuilt] = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.deepEqual([rebuilt.version, rebuilt.current, rebuilt.description, rebuilt.gitSha], [6, true, `rebuild ${head.slice(0, 7)}`, head]);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v3');

    const missing = await berth.api('POST', `/api/v1/apps/${app}/releases/rollback`, { version: 99 });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'RELEASE_NOT_FOUND');
  });

  it('deploys a ready image through the same queue', async () => {
    const app = uniqueName('img');
    const built = spawnSync('docker', ['build', '-q', '-t', 'berth-test/ready-image:1', '-'], {
      input: `FROM berth/busybox:latest\n${ownImageLabel(app)}RUN mkdir -p /www && echo ready-image > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`,
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    await berth.api('POST', '/api/v1/apps', { name: app });
    const dep = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image: 'berth-test/ready-image:1' });
    assert.equal(dep.status, 202, dep.text);
    assert.match(await followBuild(berth, app, dep.json.build.id), /Deploying image berth-test\/ready-image:1[\s\S]*@@berth-status succeeded/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'ready-image');

    // Not on this host: berth would pull it, but never from this host's own addresses without an
    // admin's registry:login (registry-pull.test pulls from a registry with one); the deploy fails.
    const bad = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image: '127.0.0.1:9/no-such/image:9' });
    assert.match(await followBuild(berth, app, bad.json.build.id), /berth does not pull from 127\.0\.0\.1:9: it is this host's own address[\s\S]*@@berth-status failed/);
    const invalid = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image: 'BAD image;rm' });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.json.error.code, 'INVALID_IMAGE');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'ready-image');
  });

  it('a deploy whose containers fail their health check keeps the previous release and shows why', async () => {
    const app = uniqueName('unhealthy');
    const wt = tree();
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    wt.write('start.sh', '#!/bin/sh\necho "crashing on purpose: missing DATABASE_URL" >&2\nexit 1\n');
    wt.commitAll('crash');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /failed its health check/);
    assert.match(pushed.output, /crashing on purpose: missing DATABASE_URL/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v1');
    const releases = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.deepEqual(releases.map((r: { version: number }) => r.version), [1], 'the failed release is not kept');
    // The release pipeline undid what ran before the health step, in reverse, and said so.
    const undo = pushed.output.split('\n').map((l) => l.replace(/^remote: /, '').trimEnd().replace(/:build-\d+ /, ':build-N ')).filter((l) => /undo/.test(l));
    assert.deepEqual(undo, [
      '-----> health failed: undoing start, release, build',
      '-----> undo: start — removed 1 container',
      `-----> undo: release — deleted release v2 and its image tag berth/${app}:v2`,
      `-----> undo: build — image berth/${app}:build-N is gone already`,
    ]);
    // Nothing of v2 is left: its containers and its image tag are gone; v1's container serves.
    const containers = spawnSync('docker', ['ps', '-a', '--filter', `label=berth.app=${app}`, '--format', '{{.Label "berth.release"}} {{.State}}']).stdout.toString().trim();
    assert.equal(containers, '1 running');
    assert.equal(spawnSync('docker', ['image', 'inspect', `berth/${app}:v2`]).status, 1);
  });

  it('a failing release command aborts the deploy', async () => {
    const app = uniqueName('relcmd');
    const wt = tree();
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    wt.write('Procfile', 'web: /bin/sh /start.sh\nrelease: echo "migrating..." && exit 4\n');
    wt.write('www/index.html', 'should not serve\n');
    wt.commitAll('release fails');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /migrating\.\.\./);
    assert.match(pushed.output, /release command exited with code 4/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v1');
  });
});
