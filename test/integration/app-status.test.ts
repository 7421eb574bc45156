import assert from 'node:assert/strict';
import { uniqueName } from '../support/berth-process';
import { DashboardSession, csrfIn, firstLiveEvent } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { useBerth } from '../support/use-berth';

/** Serves (so the deploy passes its check), then dies with code 3 a few seconds later, every time docker restarts it. */
const CRASHING_START = [
  '#!/bin/sh',
  'httpd -p "${PORT:-5000}" -h /www',
  'sleep 4',
  'echo "boom: the database went away" >&2',
  'exit 3',
  '',
].join('\n');

/**
 * One status model (app/processes/app-status.ts) through API, CLI and dashboard, with a real
 * crash-looping app and a real failed deploy of a running app.
 */
describe('app status: crashing and failed last deploy, the same word everywhere', function () {
  this.timeout(300_000);
  const PASSWORD = 'app status test password';
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });
  let session: DashboardSession;
  const trees: WorkTree[] = [];
  const crashing = uniqueName('crash');
  const failing = uniqueName('failed');
  let failedBuild = 0;

  before(async () => {
    session = new DashboardSession(berth.url);
    await session.login(PASSWORD);

    const crashTree = WorkTree.fromFixture('dockerfile-app');
    trees.push(crashTree);
    crashTree.write('start.sh', CRASHING_START);
    crashTree.commitAll('crash loop');
    const pushed = crashTree.push(berth.url, berth.token, crashing);
    assert.equal(pushed.code, 0, pushed.output);

    const failTree = WorkTree.fromFixture('dockerfile-app');
    trees.push(failTree);
    assert.equal(failTree.push(berth.url, berth.token, failing).code, 0);
    failTree.write('Dockerfile', 'FROM berth/busybox:latest\nRUN echo "no such step" && exit 7\n');
    failTree.commitAll('broken build');
    const broken = failTree.push(berth.url, berth.token, failing);
    assert.notEqual(broken.code, 0, broken.output);
    failedBuild = (await berth.api('GET', `/api/v1/apps/${failing}/builds`)).json.builds[0].id;
  });
  after(() => { trees.forEach((t) => t.remove()); });

  it('a crash-looping app is crashing, with its last exit code and last lines, in API, CLI and dashboard', async () => {
    // docker restarts it (unless-stopped) each time it dies: after the first restart it is crashing.
    const report = await waitFor('the crash loop', async () => {
      const r = (await berth.api('GET', `/api/v1/apps/${crashing}/ps`)).json.report;
      return r.status === 'crashing' ? r : null;
    }, 60_000);
    assert.deepEqual(report.crashing, [report.crashes[0].container]);
    const crash = report.crashes[0];
    assert.equal(crash.process, 'web');
    assert.equal(crash.exitCode, 3);
    assert.equal(crash.lastLines.at(-1), 'boom: the database went away');
    assert.equal(report.failedDeploy, null);

    const listed = (await berth.api('GET', '/api/v1/apps')).json.apps as Array<{ name: string; status: string }>;
    assert.equal(listed.find((a) => a.name === crashing)?.status, 'crashing');

    const ps = berth.cli(['ps:report', crashing]);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, /^Status:\s+crashing, crashing: \S+$/m);
    assert.match(ps.stdout, new RegExp(`^Crashing: ${crash.container.replace(/\./g, '\\.')} \\(web, \\w+, last exit code 3, \\d+ restarts?\\); its last lines:$`, 'm'));
    assert.match(ps.stdout, /^ {2}boom: the database went away$/m);
    const apps = berth.cli(['apps:list']);
    assert.match(apps.stdout, new RegExp(`^${crashing}\\s+crashing\\s+main\\s`, 'm'));

    const page = (await session.get(`/apps/${crashing}`)).text;
    assert.match(page, /<h1>[^<]*<span class="status status-crashing" data-status="crashing">crashing<\/span><\/h1>/);
    assert.match(page, /<strong data-exit-code>3<\/strong>/);
    assert.match(page, /boom: the database went away/);
    const overview = (await session.get('/')).text;
    assert.match(overview, new RegExp(`<tr data-app="${crashing}">[\\s\\S]*?data-status="crashing"`));
  });

  it('a failed deploy of a running app is failed, with a banner linking to its log; the old release keeps serving', async () => {
    assert.equal((await berth.viaRouter(`${failing}.localhost`)).text.trim(), 'dockerfile-app v1');
    const report = (await berth.api('GET', `/api/v1/apps/${failing}/ps`)).json.report;
    assert.equal(report.status, 'failed');
    assert.equal(report.release, 1);
    assert.equal(report.failedDeploy.build, failedBuild);
    assert.equal(report.failedDeploy.kind, 'push');
    assert.match(report.failedDeploy.error, /^BUILD_FAILED: /);
    assert.deepEqual(report.crashes, []);

    const ps = berth.cli(['ps:report', failing]);
    assert.match(ps.stdout, /^Status:\s+failed$/m);
    assert.match(ps.stdout, new RegExp(`^Last deploy failed: build ${failedBuild} \\(push\\) `, 'm'));
    assert.match(ps.stdout, new RegExp(`^ {2}its log: berth builds:log ${failing} ${failedBuild}$`, 'm'));
    assert.match(berth.cli(['apps:list']).stdout, new RegExp(`^${failing}\\s+failed\\s+main\\s`, 'm'));

    const page = (await session.get(`/apps/${failing}`)).text;
    assert.match(page, new RegExp(`<p class="banner banner-failed" role="alert" data-failed-deploy="${failedBuild}">`));
    assert.match(page, new RegExp(`<a href="/apps/${failing}/builds/${failedBuild}">Read its log</a>`));
    assert.match(page, /v1 keeps serving/);
    const overview = (await session.get('/')).text;
    assert.match(overview, new RegExp(`<tr data-app="${failing}">[\\s\\S]*?data-status="failed"`));
  });

  it('the live stream sends a page\'s state key: the overview\'s names each visible app with its word', async () => {
    await waitFor('the crash loop', async () => (await berth.api('GET', `/api/v1/apps/${crashing}/ps`)).json.report.status === 'crashing', 60_000);
    const first = await firstLiveEvent(session, `/live?q=${crashing}`);
    assert.match(first, new RegExp(`^event: state\ndata: \\{"key":"${crashing}:crashing:1:\\d+\\.succeeded"\\}$`));
    const own = await firstLiveEvent(session, `/apps/${failing}/live`);
    assert.equal(own, `event: state\ndata: {"key":"${failing}:failed:1:${failedBuild}.failed"}`);
  });

  it('a developer who is not a collaborator sees neither app in the live stream and may not follow their pages', async () => {
    const name = uniqueName('livedev');
    const password = 'live developer password';
    const add = berth.cli(['users:add', name, '--role', 'developer', '--password'], { input: `${password}\n` });
    assert.equal(add.code, 0, add.stderr);
    const dev = new DashboardSession(berth.url);
    await dev.login(password, name);
    assert.equal(await firstLiveEvent(dev, '/live'), 'event: state\ndata: {"key":""}');
    const refused = await dev.request('GET', `/apps/${crashing}/live`);
    assert.equal(refused.status, 403);
    assert.doesNotMatch(refused.text, /crashing:/);
  });

  it('Stop asks first and says what it will do; nothing stops until the form is posted', async () => {
    const page = await session.get(`/apps/${failing}/confirm/stop`);
    assert.equal(page.status, 200);
    assert.deepEqual([...page.text.matchAll(/<li data-effect>([^<]*)<\/li>/g)].map((m) => m[1]),
      [`Every container of ${failing} stops (web ×1).`, 'Its domains answer 502 until you start it again; the release and config stay.']);
    assert.match(page.text, new RegExp(`<form method="post" action="/apps/${failing}/stop"`));
    assert.equal((await berth.api('GET', `/api/v1/apps/${failing}/ps`)).json.report.status, 'failed');
    assert.equal((await berth.viaRouter(`${failing}.localhost`)).text.trim(), 'dockerfile-app v1');
  });

  it('Redeploy from the dashboard rebuilds the deploy branch\'s commit; the failed-deploy banner goes', async () => {
    const page = await session.get(`/apps/${failing}`);
    const posted = await session.request('POST', `/apps/${failing}/rebuild`, { _csrf: csrfIn(page.text) });
    assert.equal(posted.status, 303);
    const build = Number(/[?&]build=(\d+)/.exec(posted.location ?? '')?.[1]);
    assert.ok(build > failedBuild, posted.location ?? '');
    const log = await berth.api('GET', `/api/v1/apps/${failing}/builds/${build}/log?follow=1`);
    assert.match(log.text, /@@berth-status succeeded/);
    const report = (await berth.api('GET', `/api/v1/apps/${failing}/ps`)).json.report;
    assert.deepEqual([report.status, report.release, report.failedDeploy], ['running', 2, null]);
    assert.doesNotMatch((await session.get(`/apps/${failing}`)).text, /data-failed-deploy/);
  });

  it('a developer who is not a collaborator sees neither app\'s status nor its crash lines', async () => {
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    const listed = (await berth.api('GET', '/api/v1/apps', undefined, dev.json.token)).json.apps as Array<{ name: string }>;
    assert.deepEqual(listed.filter((a) => a.name === crashing || a.name === failing), []);
    const ps = await berth.api('GET', `/api/v1/apps/${crashing}/ps`, undefined, dev.json.token);
    assert.equal(ps.status, 403);
    assert.equal(ps.json.error.code, 'FORBIDDEN');
    assert.doesNotMatch(ps.text, /boom/);
  });
});
