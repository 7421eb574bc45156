import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName } from '../support/berth-process';
import { ownImageLabel } from '../support/app-images';
import { useBerth } from '../support/use-berth';
import { DashboardSession, csrfIn, firstLiveEvent } from '../support/dashboard-session';

const PASSWORD = 'dashboard layout password';

/** The app names of an overview page's rows, in order. */
const rows = (html: string): string[] => [...html.matchAll(/<tr data-app="([^"]+)">/g)].map((m) => m[1]);
const between = (html: string, attr: string): string => (new RegExp(`<[^>]+ ${attr}>([^<]*)<`).exec(html) ?? [])[1] ?? '';

/**
 * The dashboard's layout over HTTP (issue 21): the overview's search, sort and pages with exact
 * rows, the app page's tabs, role-aware actions (a viewer and a developer get no form they may not
 * post, and the exact refusal when they post anyway), and error pages that speak to a browser.
 * Apps are created, never deployed: nothing here builds or starts a container.
 */
describe('dashboard layout over HTTP: overview pages, app tabs, roles, error pages', function () {
  this.timeout(120_000);
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });
  const prefix = uniqueName('ov');
  // 27 apps: a full first page of 25 and two on the second.
  const apps = Array.from({ length: 27 }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
  const viewer = uniqueName('viewer');
  const dev = uniqueName('dev');
  const admin = new DashboardSession('');

  before(async () => {
    for (const name of apps) assert.equal((await berth.api('POST', '/api/v1/apps', { name })).status, 201);
    for (const [name, role] of [[viewer, 'viewer'], [dev, 'developer']]) {
      const add = berth.cli(['users:add', name, '--role', role, '--password'], { input: `${PASSWORD}\n` });
      assert.equal(add.code, 0, add.stderr);
    }
    assert.equal(berth.cli(['apps:collaborators:add', apps[0], dev]).code, 0);
    Object.assign(admin, new DashboardSession(berth.url));
    await admin.login(PASSWORD);
  });

  const login = async (user: string) => { const s = new DashboardSession(berth.url); await s.login(PASSWORD, user); return s; };

  it('pages the overview by 25 in name order, with the count and links to the other page', async () => {
    const first = await admin.get('/');
    assert.equal(first.status, 200);
    assert.deepEqual(rows(first.text), apps.slice(0, 25));
    assert.equal(between(first.text, 'data-showing'), '1–25 of 27');
    assert.match(first.text, /<a href="\/\?page=2" rel="next">Next →<\/a>/);
    const second = await admin.get('/?page=2');
    assert.deepEqual(rows(second.text), apps.slice(25));
    assert.equal(between(second.text, 'data-showing'), '26–27 of 27');
    assert.match(second.text, /<a href="\/" rel="prev">← Previous<\/a>/);
    assert.deepEqual(rows((await admin.get('/?page=7')).text), apps.slice(25), 'a page past the last shows the last');
  });

  it('searches by part of the name, sorts both ways and keeps the query in its links', async () => {
    const teens = await admin.get(`/?q=${prefix}-1`);
    assert.deepEqual(rows(teens.text), apps.slice(9, 19));
    assert.equal(between(teens.text, 'data-showing'), '1–10 of 10 matching');
    const desc = await admin.get('/?sort=name&dir=desc');
    assert.deepEqual(rows(desc.text), [...apps].reverse().slice(0, 25));
    assert.match(desc.text, /<a href="\/\?dir=desc&amp;page=2" rel="next">/);
    assert.deepEqual(rows((await admin.get('/?dir=desc&page=2')).text), [apps[1], apps[0]]);
    // None deployed: the last-deploy sort ties everywhere and falls back to names.
    assert.deepEqual(rows((await admin.get(`/?q=${prefix}-2&sort=deployed`)).text), apps.slice(19, 27));
    const bad = await admin.get('/?sort=size');
    assert.equal(bad.status, 400);
    assert.equal(between(bad.text, 'data-error-message'), 'Sort by name, status or deployed, not &quot;size&quot;.');
  });

  it('sorts by status (trouble first) and by last deploy (newest first, or oldest with dir=asc) with real deploys', async () => {
    // Two apps run a ready image each (deployed one after the other), the second is then stopped; the rest never deployed.
    const images = [apps[2], apps[3]].map((app) => `berth-test/layout-ready:${app}`);
    try {
      for (const [i, app] of [apps[2], apps[3]].entries()) {
        const built = spawnSync('docker', ['build', '-q', '-t', images[i], '-'], {
          input: `FROM berth/busybox:latest\n${ownImageLabel(app)}RUN mkdir -p /www && echo ready > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`,
          encoding: 'utf8',
        });
        assert.equal(built.status, 0, built.stderr);
        const dep = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image: images[i] });
        assert.equal(dep.status, 202, dep.text);
        assert.match((await berth.api('GET', `/api/v1/apps/${app}/builds/${dep.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
      }
      const stop = await berth.api('POST', `/api/v1/apps/${apps[3]}/ps/stop`);
      assert.match((await berth.api('GET', `/api/v1/apps/${apps[3]}/builds/${stop.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
    } finally {
      spawnSync('docker', ['rmi', ...images]);
    }
    const never = [apps[0], apps[1], ...apps.slice(4, 9)];
    const q = `q=${prefix}-0`;
    const byStatus = (await admin.get(`/?${q}&sort=status`)).text;
    assert.deepEqual([...byStatus.matchAll(/<tr data-app="([^"]+)">[\s\S]*?data-status="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`),
      [`${apps[2]} running`, `${apps[3]} stopped`, ...never.map((a) => `${a} not deployed`)]);
    assert.deepEqual(rows((await admin.get(`/?${q}&sort=status&dir=desc`)).text), [...never, apps[3], apps[2]]);
    assert.deepEqual(rows((await admin.get(`/?${q}&sort=deployed`)).text), [apps[3], apps[2], ...never]);
    assert.deepEqual(rows((await admin.get(`/?${q}&sort=deployed&dir=asc`)).text), [...never, apps[2], apps[3]]);
  });

  it('the live stream follows exactly the rows of the page the overview shows', async () => {
    const key = (await firstLiveEvent(admin, '/live?dir=desc&page=2')).replace(/^event: state\ndata: /, '');
    assert.deepEqual(JSON.parse(key), { key: `${apps[1]}:not deployed:-:- ${apps[0]}:not deployed:-:-` });
  });

  it('"Create an app" is at the top for an admin, and not offered to a viewer or a developer', async () => {
    const page = (await admin.get('/')).text;
    assert.ok(page.indexOf('action="/apps"') > 0 && page.indexOf('action="/apps"') < page.indexOf('<table'), 'the create form comes before the list');
    for (const user of [viewer, dev]) {
      const s = await login(user);
      const overview = (await s.get('/')).text;
      assert.doesNotMatch(overview, /action="\/apps"/, user);
      assert.doesNotMatch(overview, /id="new-app-name"/, user);
    }
  });

  it('shows the app page in tabs, each its own page with its own panel, the current tab marked', async () => {
    const app = apps[0];
    const panels: Record<string, string> = {
      '': 'h-ps', '/deploys': 'h-releases', '/logs': 'h-logs', '/config': 'h-config', '/domains': 'h-domains',
      '/services': 'h-services', '/metrics': 'h-resources', '/settings': 'h-settings',
    };
    for (const [tab, panel] of Object.entries(panels)) {
      const page = await admin.get(`/apps/${app}${tab}`);
      assert.equal(page.status, 200, tab);
      assert.deepEqual([...page.text.matchAll(/<a href="([^"]+)" data-tab="[a-z]+" aria-current="page">/g)].map((m) => m[1]), [`/apps/${app}${tab}`]);
      assert.deepEqual(Object.values(panels).filter((id) => page.text.includes(`id="${id}"`)), [panel], tab);
      // Every tab carries the header's live stream.
      assert.match(page.text, new RegExp(`data-live="head" data-live-stream="/apps/${app}/live"`), tab);
    }
    // A form leads back to its own tab.
    const config = await admin.get(`/apps/${app}/config`);
    const set = await admin.request('POST', `/apps/${app}/config`, { _csrf: csrfIn(config.text), key: 'GREETING', value: 'hi' });
    assert.deepEqual([set.status, set.location], [303, `/apps/${app}/config`]);
    assert.match((await admin.get(`/apps/${app}/config`)).text, /<tr data-key="GREETING">/);
  });

  it('a viewer gets no form but logout on any tab, and the exact refusal when posting create or destroy', async () => {
    const s = await login(viewer);
    const app = apps[1];
    for (const tab of ['', '/deploys', '/logs', '/config', '/domains', '/services', '/metrics', '/settings']) {
      const page = await s.get(`/apps/${app}${tab}`);
      assert.equal(page.status, 200, tab);
      assert.deepEqual([...page.text.matchAll(/<form[^>]* method="post" action="([^"]+)"/g)].map((m) => m[1]), ['/logout'], tab);
      assert.doesNotMatch(page.text, /Remove…|Roll back…|Stop…|Unlink…/, tab);
    }
    const csrf = csrfIn((await s.get('/')).text);
    const create = await s.request('POST', '/apps', { _csrf: csrf, name: uniqueName('sneaky') });
    assert.equal(create.status, 403);
    assert.equal(between(create.text, 'data-error-message'), `You are signed in as ${viewer} (viewer) and may not create apps.`);
    assert.equal(between(create.text, 'data-error-advice'), 'Viewers see every app and change nothing. An admin can give you the developer role, or make the change for you.');
    const destroy = await s.request('POST', `/apps/${app}/destroy`, { _csrf: csrf, confirm: app });
    assert.equal(destroy.status, 403);
    assert.equal(between(destroy.text, 'data-error-message'), `You are signed in as ${viewer} (viewer) and may not change ${app}.`);
    assert.match(destroy.text, /Error code <code>FORBIDDEN<\/code>/);
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}`)).status, 200, 'the app is still there');
    assert.equal((await berth.api('GET', '/api/v1/apps')).json.apps.length, apps.length, 'no app was created');
  });

  it('a developer changes their own app from its tabs, creates no app, and is told whom to ask for another', async () => {
    const s = await login(dev);
    const own = (await s.get(`/apps/${apps[0]}/config`)).text;
    assert.match(own, new RegExp(`<form method="post" action="/apps/${apps[0]}/config"`));
    const create = await s.request('POST', '/apps', { _csrf: csrfIn(own), name: uniqueName('sneaky') });
    assert.equal(create.status, 403);
    assert.equal(between(create.text, 'data-error-message'), `You are signed in as ${dev} (developer) and may not create apps.`);
    assert.equal(between(create.text, 'data-error-advice'), 'Only admins may do this; ask one to do it for you.');
    const other = await s.get(`/apps/${apps[1]}`);
    assert.equal(other.status, 403);
    assert.equal(between(other.text, 'data-error-message'), `You are signed in as ${dev} (developer) and may not open ${apps[1]}.`);
    assert.equal(between(other.text, 'data-error-advice'), `Ask an admin to add you to ${apps[1]} as a collaborator.`);
    assert.doesNotMatch(other.text, /berth apps:collaborators/);
  });

  it('error pages tell a browser user what to do in the browser; the API keeps its CLI hint', async () => {
    const missing = uniqueName('nope');
    const page = await admin.get(`/apps/${missing}/deploys`);
    assert.equal(page.status, 404);
    assert.equal(between(page.text, 'data-error-message'), `App &quot;${missing}&quot; does not exist.`);
    assert.equal(between(page.text, 'data-error-advice'), 'Check the address, or pick the app from your apps.');
    assert.match(page.text, /Error code <code>APP_NOT_FOUND<\/code>/);
    assert.doesNotMatch(page.text, /`berth|berth apps:list/);
    const build = await admin.get(`/apps/${apps[0]}/builds/9`);
    assert.equal(build.status, 404);
    assert.equal(between(build.text, 'data-error-message'), `${apps[0]} has no build 9.`);
    assert.match(build.text, new RegExp(`<a href="/apps/${apps[0]}">Back to ${apps[0]}</a>`));
    const api = await berth.api('GET', `/api/v1/apps/${missing}`);
    assert.deepEqual([api.status, api.json.error.code, api.json.error.message], [404, 'APP_NOT_FOUND', `App "${missing}" does not exist; \`berth apps:list\` shows your apps.`]);
  });
});
