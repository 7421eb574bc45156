import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { CookieClient, csrfIn } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';
import { ensureServiceImage, removeAppImages, removeServiceLeftovers } from './services-support';

const PASSWORD = 'correct horse battery';

/** The dashboard as a browser sees it; `login` returns the answer, whatever it is. */
class Browser extends CookieClient {
  async login(password: string, user = 'admin') {
    const page = await this.request('GET', '/login');
    return this.request('POST', '/login', { _csrf: csrfIn(page.text), username: user, password, next: '/' });
  }
}

describe('dashboard over HTTP: sessions, CSRF, forms', function () {
  this.timeout(120_000);
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });

  it('redirects every page to /login without a session, but leaves the API and health alone', async () => {
    const b = new Browser(berth.url);
    const root = await b.request('GET', '/');
    assert.equal(root.status, 302);
    assert.equal(root.location, '/login');
    const page = await b.request('GET', '/apps/some-app?build=3');
    assert.equal(page.status, 302);
    assert.equal(page.location, `/login?next=${encodeURIComponent('/apps/some-app?build=3')}`);
    const post = await b.request('POST', '/apps', { name: 'x' });
    assert.equal(post.status, 302);
    assert.equal((await b.request('GET', '/events')).location, '/login?next=%2Fevents');
    assert.equal((await b.request('GET', '/healthz')).status, 200);
    const api = await berth.api('GET', '/api/v1/apps', undefined, null);
    assert.equal(api.status, 401, 'the API answers 401 JSON, not a redirect');
    assert.equal((await b.request('GET', '/assets/dashboard.css')).status, 200, 'assets need no session');
  });

  it('refuses a wrong password and a login form without its token', async () => {
    const b = new Browser(berth.url);
    const wrong = await b.login('not the password');
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /Wrong user name or password/);
    assert.ok(!b.cookies.has('berth_session'));
    const unknown = await b.login(PASSWORD, 'nobody');
    assert.equal(unknown.status, 401);
    const forged = await new Browser(berth.url).request('POST', '/login', { username: 'admin', password: PASSWORD });
    assert.equal(forged.status, 403);
    assert.ok(!forged.setCookies.some((c) => c.startsWith('berth_session=')));
  });

  it('logs in with an httpOnly SameSite session cookie that is stored only hashed', async () => {
    const b = new Browser(berth.url);
    const ok = await b.login(PASSWORD);
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/');
    const cookie = ok.setCookies.find((c) => c.startsWith('berth_session='))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const id = decodeURIComponent(b.cookies.get('berth_session')!);
    assert.ok(id.length >= 40, 'a long random id');
    const db = new Database(path.join(berth.home, 'berth.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT id_hash FROM sessions').all() as Array<{ id_hash: string }>;
      assert.ok(rows.some((r) => r.id_hash === crypto.createHash('sha256').update(id).digest('hex')));
      assert.ok(!rows.some((r) => r.id_hash === id));
      const pw = db.prepare('SELECT hash FROM user_passwords').get() as { hash: string };
      assert.match(pw.hash, /^scrypt\$/);
      assert.ok(!pw.hash.includes(PASSWORD));
    } finally {
      db.close();
    }
    const overview = await b.request('GET', '/');
    assert.equal(overview.status, 200);
    assert.match(overview.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  it('refuses a forged form post without the CSRF token, and creates an app through the form with it', async () => {
    const b = new Browser(berth.url);
    await b.login(PASSWORD);
    const app = uniqueName('dash');
    const forged = await b.request('POST', '/apps', { name: app });
    assert.equal(forged.status, 403);
    assert.match(forged.text, /CSRF_TOKEN_INVALID/);
    const wrong = await b.request('POST', '/apps', { name: app, _csrf: 'x'.repeat(32) });
    assert.equal(wrong.status, 403);
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}`)).status, 404, 'a refused form changes nothing');

    const overview = await b.request('GET', '/');
    const created = await b.request('POST', '/apps', { name: app, _csrf: csrfIn(overview.text) });
    assert.equal(created.status, 303);
    assert.equal(created.location, `/apps/${app}`);
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}`)).status, 200, 'the app exists for the API too');
    const page = await b.request('GET', `/apps/${app}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`Created ${app}`));
    assert.match(page.text, new RegExp(`git remote add paas http://127\\.0\\.0\\.1:${berth.port}/git/${app}\\.git`));
    const listed = await b.request('GET', `/?q=${app.slice(0, 8)}`);
    assert.match(listed.text, new RegExp(`data-app="${app}"`));
    assert.match(listed.text, new RegExp(`<tr data-app="${app}">[\\s\\S]*?<span class="status status-not-deployed" data-status="not deployed">not deployed</span>`));
    const filtered = await b.request('GET', '/?q=zzz-no-match');
    assert.doesNotMatch(filtered.text, new RegExp(`data-app="${app}"`));

    const bad = await b.request('POST', '/apps', { name: 'Bad Name!', _csrf: csrfIn(page.text) });
    assert.equal(bad.status, 303);
    assert.match((await b.request('GET', bad.location!)).text, /is not a valid app name/);

    const events = (await berth.api('GET', `/api/v1/events?app=${app}`)).json.events;
    assert.equal(events[0].user, 'admin', 'the dashboard acts as the logged-in user');
  });

  it('logout revokes the session', async () => {
    const b = new Browser(berth.url);
    await b.login(PASSWORD);
    const saved = b.cookies.get('berth_session')!;
    const page = await b.request('GET', '/');
    const out = await b.request('POST', '/logout', { _csrf: csrfIn(page.text) });
    assert.equal(out.status, 303);
    b.cookies.set('berth_session', saved);
    const after = await b.request('GET', '/');
    assert.equal(after.status, 302, 'the old cookie no longer works');
  });
});

describe('dashboard over HTTP: services and plugins pages', function () {
  this.timeout(600_000);
  const dev = uniqueName('dev');
  const viewer = uniqueName('vw');
  const app = uniqueName('dsvc');
  const svc = uniqueName('drd');

  after(() => { if (isStarted(berth)) removeServiceLeftovers(berth); });
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD }, { setUp: () => ensureServiceImage(path.join(ROOT, 'plugins', 'redis')) });
  before(async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    const add = berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: `${PASSWORD}\n` });
    assert.equal(add.code, 0, add.stderr);
    assert.equal(berth.cli(['users:add', viewer, '--role', 'viewer', '--password'], { input: `${PASSWORD}\n` }).code, 0);
  });

  it('/plugins lists the bundled plugins with versions and a load-errors section', async () => {
    const b = new Browser(berth.url);
    await b.login(PASSWORD);
    const page = await b.request('GET', '/plugins');
    assert.equal(page.status, 200);
    for (const id of ['postgres', 'redis', 'mariadb']) assert.match(page.text, new RegExp(`data-plugin="${id}"`));
    assert.match(page.text, /Load errors/);
    assert.match(page.text, /href="\/plugins"[^>]*aria-current="page"/);
  });

  it('/services creates, links, unlinks, backs up and destroys a redis service through forms', async () => {
    const b = new Browser(berth.url);
    await b.login(PASSWORD);
    const empty = await b.request('GET', '/services');
    assert.equal(empty.status, 200);
    assert.match(empty.text, /No redis services yet/);
    assert.match(empty.text, /action="\/services\/redis"/);
    const csrf = csrfIn(empty.text);
    assert.equal((await b.request('POST', '/services/redis', { name: svc })).status, 403, 'no CSRF token, no service');

    const created = await b.request('POST', '/services/redis', { name: svc, _csrf: csrf });
    assert.equal(created.status, 303);
    const listed = await b.request('GET', '/services');
    assert.match(listed.text, new RegExp(`Created redis service ${svc}`));
    assert.match(listed.text, new RegExp(`data-service="redis/${svc}"`));
    assert.match(listed.text, /status-running/);

    assert.equal((await b.request('POST', `/services/redis/${svc}/link`, { app, _csrf: csrf })).status, 303);
    const linked = await b.request('GET', '/services');
    assert.match(linked.text, new RegExp(`Linked redis service ${svc} to ${app}`));
    assert.match(linked.text, new RegExp(`href="/apps/${app}">${app}</a>`));
    const info = (await berth.api('GET', `/api/v1/services/redis/${svc}`)).json.service;
    assert.equal(info.links[0].app, app, 'the API sees the link');
    // The app page names the env var and its value, the URL the app's containers get.
    const appPage = await b.request('GET', `/apps/${app}/services`);
    assert.match(appPage.text, new RegExp(`<li data-linked="redis/${svc}">redis <strong>${svc}</strong> gives the app <code data-env="REDIS_URL">REDIS_URL</code>[\\s\\S]*?<code class="mono" data-env-value>${info.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</code>`));
    assert.match(info.url, /^redis:\/\/:[^@]{16,}@/, 'a URL with its password');
    const viewing = new Browser(berth.url);
    assert.equal((await viewing.login(PASSWORD, viewer)).status, 303);
    const viewed = await viewing.request('GET', `/apps/${app}/services`);
    assert.match(viewed.text, /<code data-env="REDIS_URL">REDIS_URL<\/code>\s*<span class="muted">\(its value is hidden from viewers\)<\/span>/);
    assert.ok(!viewed.text.includes(info.url.split('@')[0]), 'no password for a viewer');
    assert.doesNotMatch(viewed.text, /Unlink…/);

    const linkedDestroy = await b.request('POST', `/services/redis/${svc}/destroy`, { confirm: svc, _csrf: csrf });
    assert.equal(linkedDestroy.status, 303);
    assert.match((await b.request('GET', '/services')).text, /unlink it first/);
    assert.equal((await b.request('POST', `/services/redis/${svc}/unlink`, { app, _csrf: csrf })).status, 303);
    assert.deepEqual((await berth.api('GET', `/api/v1/services/redis/${svc}`)).json.service.links, []);

    const res = await fetch(`${berth.url}/services/redis/${svc}/export`, { headers: { cookie: `berth_session=${b.cookies.get('berth_session')}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`redis-${svc}\\.dump`));
    const dump = Buffer.from(await res.arrayBuffer());
    assert.equal(dump.subarray(0, 5).toString(), 'REDIS', 'an RDB snapshot');

    const wrong = await b.request('POST', `/services/redis/${svc}/destroy`, { confirm: 'nope', _csrf: csrf });
    assert.equal(wrong.status, 303);
    assert.match((await b.request('GET', '/services')).text, /Repeat the service name/);
    const gone = await b.request('POST', `/services/redis/${svc}/destroy`, { confirm: svc, force: 'on', _csrf: csrf });
    assert.equal(gone.status, 303);
    const after = await b.request('GET', '/services');
    assert.match(after.text, new RegExp(`Destroyed redis service ${svc} and its data`));
    assert.doesNotMatch(after.text, new RegExp(`data-service="redis/${svc}"`));
  });

  it('a developer sees services without admin forms and cannot post them', async () => {
    const b = new Browser(berth.url);
    assert.equal((await b.login(PASSWORD, dev)).status, 303);
    const page = await b.request('GET', '/services');
    assert.equal(page.status, 200);
    assert.match(page.text, /data-plugin="redis"/);
    assert.doesNotMatch(page.text, /action="\/services\/redis"/);
    assert.doesNotMatch(page.text, /\/destroy"/);
    const refused = await b.request('POST', '/services/redis', { name: uniqueName('x'), _csrf: csrfIn(page.text) });
    assert.equal(refused.status, 403);
    assert.equal((await berth.api('GET', '/api/v1/services/redis')).json.services.length, 0);
  });

  it('backups: a service\'s backups made and restored into a new service after a confirmation; berth\'s own made, listed and downloaded; a developer and a viewer refused', async () => {
    const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r; };
    const kept = uniqueName('drb');
    const copy = uniqueName('drc');
    ok(berth.cli(['redis:create', kept]));
    ok(berth.cli(['redis:link', kept, app]));
    ok(berth.cli(['apps:collaborators:add', app, dev]));
    ok(berth.cli(['redis:connect', kept], { input: 'SET greeting "from the backup"\n' }));
    const b = new Browser(berth.url);
    await b.login(PASSWORD);
    const base = `/services/redis/${kept}/backups`;
    assert.match((await b.request('GET', '/services')).text, new RegExp(`href="${base}"`));
    const csrf = csrfIn((await b.request('GET', base)).text);
    const made = await b.request('POST', base, { _csrf: csrf });
    assert.deepEqual([made.status, made.location], [303, base]);
    const page = await b.request('GET', base);
    const id = /<tr data-backup="([^"]+)">/.exec(page.text)?.[1];
    assert.match(page.text, new RegExp(`Backed up redis service ${kept} as ${id} \\(\\d+ bytes\\)`));
    ok(berth.cli(['redis:connect', kept], { input: 'SET greeting "after the backup"\n' }));
    // Restore… leads to a confirmation page saying what happens; only its POST restores.
    const confirm = await b.request('GET', `${base}/${id}/restore?into=${copy}`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, new RegExp(`A new redis service ${copy} is created and gets the data of ${id}`));
    assert.match(confirm.text, new RegExp(`<form method="post" action="${base}/${id}/restore"[^]*name="into" value="${copy}"`));
    assert.equal((await berth.api('GET', `/api/v1/services/redis/${copy}`)).status, 404, 'the confirmation page changes nothing');
    const restored = await b.request('POST', `${base}/${id}/restore`, { into: copy, _csrf: csrf });
    assert.deepEqual([restored.status, restored.location], [303, base]);
    assert.match((await b.request('GET', base)).text, new RegExp(`Restored ${id} into redis service ${copy}`));
    assert.equal(ok(berth.cli(['redis:connect', copy], { input: 'GET greeting\n' })).stdout, 'from the backup\n');
    // Into the service itself: its confirmation says the data is replaced; the POST puts the backup's value back.
    assert.match((await b.request('GET', `${base}/${id}/restore`)).text, new RegExp(`is imported into ${kept}: what it holds replaces the same data there`));
    assert.deepEqual((await b.request('POST', `${base}/${id}/restore`, { _csrf: csrf })).location, base);
    assert.equal(ok(berth.cli(['redis:connect', kept], { input: 'GET greeting\n' })).stdout, 'from the backup\n');

    // berth's own backups: made into $BERTH_HOME/backups/berth, listed, downloaded as the tar.
    const own = await b.request('GET', '/berth/backups');
    assert.match(own.text, /<code>0 3 \* \* \*<\/code> to <code>dir:[^<]+\/backups\/berth<\/code>, keeping 7 \(the default\)/);
    assert.equal((await b.request('POST', '/berth/backups', { _csrf: csrf })).location, '/berth/backups');
    const listed = await b.request('GET', '/berth/backups');
    const name = /<tr data-berth-backup="([^"]+)">/.exec(listed.text)?.[1] ?? '';
    assert.match(listed.text, new RegExp(`Backed up berth as ${name.replace(/\./g, '\\.')} \\(\\d+ bytes\\)`));
    const download = await fetch(`${berth.url}/berth/backups/${name}`, { headers: { cookie: `berth_session=${b.cookies.get('berth_session')}` } });
    assert.equal(download.status, 200);
    const tarBytes = Buffer.from(await download.arrayBuffer());
    assert.equal(tarBytes.subarray(0, 13).toString('latin1'), 'manifest.json', 'the archive starts with its manifest');

    // A developer of the linked app lists the service's backups but may not make or restore one, nor see berth's; a viewer neither.
    for (const [who, listStatus] of [[dev, 200], [viewer, 403]] as const) {
      const u = new Browser(berth.url);
      assert.equal((await u.login(PASSWORD, who)).status, 303);
      const uCsrf = csrfIn((await u.request('GET', '/services')).text);
      assert.equal((await u.request('GET', base)).status, listStatus, `${who} lists`);
      for (const [method, p, form] of [
        ['GET', `${base}/${id}/restore`, undefined], ['POST', `${base}/${id}/restore`, { into: uniqueName('stolen'), _csrf: uCsrf }],
        ['POST', base, { _csrf: uCsrf }], ['GET', '/berth/backups', undefined], ['POST', '/berth/backups', { _csrf: uCsrf }],
        ['GET', `/berth/backups/${name}`, undefined],
      ] as const) {
        const r = await u.request(method, p, form);
        assert.equal(r.status, 403, `${who} ${method} ${p}: ${r.status}`);
      }
      assert.doesNotMatch((await u.request('GET', '/services')).text, /href="\/berth\/backups"/);
    }
    assert.equal((await berth.api('GET', `/api/v1/services/redis/${kept}/backups`)).json.backups.length, 1, 'no backup was made by them');
    assert.equal(JSON.parse(ok(berth.cli(['backup:list', '--json'])).stdout).backups.length, 1);
  });
});

describe('dashboard over HTTP: CPU and memory on the app page', function () {
  this.timeout(600_000);
  let wt: WorkTree | undefined;
  const app = uniqueName('dres');

  after(() => { wt?.remove(); });
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD, BERTH_STATS_INTERVAL: '1' });
  after(() => { removeAppImages([app]); });

  it('shows docker stats now and the sampled history as an SVG polyline', async () => {
    wt = WorkTree.fromFixture('dashboard-app');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
    const b = new Browser(berth.url);
    await b.login(PASSWORD);
    // The sampler runs every second here; wait (without a time bound) until it has two samples.
    let page = await b.request('GET', `/apps/${app}/metrics`);
    while (!/<polyline points="[^"]+ [^"]+"/.test(page.text)) {
      await new Promise((r) => setTimeout(r, 500));
      page = await b.request('GET', `/apps/${app}/metrics`);
    }
    assert.equal(page.status, 200);
    assert.match(page.text, /data-resources="[0-9a-f]{12}"/);
    assert.match(page.text, /<td data-cpu>\d+\.\d%<\/td>/);
    assert.match(page.text, /<td data-memory>\d+\.\d MiB of \d+\.\d MiB<\/td>/);
  });
});
