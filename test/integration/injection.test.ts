import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CATALOGUE, STATUS_FOR_KIND } from '../../app/errors';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

/** Hostile strings: shell, newlines, traversal, nginx directives, overlong, unicode, control bytes. */
const CORPUS = [
  '; rm -rf /', '$(touch /tmp/berth-pwned)', '`id`', '| cat /etc/passwd', '&& reboot',
  'a\nb', 'a\r\nX-Injected: 1', 'line\u2028sep',
  '../../etc/passwd', '..', '/etc/shadow', 'a/../../b', '%2e%2e%2f',
  'x; } server { listen 80; root /; }', 'a { return 301 http://evil; }', 'include /etc/passwd;', '$host',
  'A'.repeat(5000), 'b'.repeat(300), 'ünïcödé', '💥', 'ＡＰＰ', 'a\u0000b', '\u202egnp.exe',
  '', ' ', '-rf', '--upload-pack=touch /tmp/pwn', 'a b', '"q"', "'", '<script>alert(1)</script>', '*', 'a..b', '.hidden',
];

type ErrorCode = keyof typeof CATALOGUE;
/** A request with the payload in one field, and the one error code it must be refused with. */
type Probe = [method: string, url: string, body: unknown, code: ErrorCode];

/**
 * Every field that takes a name, domain, env key, branch, path or plugin input; `p` is the payload.
 * In a path, `''` and `..` change the route itself (fetch resolves `..`), so no route matches.
 */
function probes(app: string, p: string): Probe[] {
  const enc = encodeURIComponent(p);
  const noRoute = p === '' || p === '..';
  return [
    ['POST', '/api/v1/apps', { name: p }, 'INVALID_APP_NAME'],
    ['PATCH', `/api/v1/apps/${app}`, { name: p }, 'INVALID_APP_NAME'],
    ['GET', `/api/v1/apps/${enc}/config`, undefined, noRoute ? 'NOT_FOUND' : 'APP_NOT_FOUND'],
    ['PATCH', `/api/v1/apps/${enc}/config`, { set: { OK: '1' } }, noRoute ? 'NOT_FOUND' : 'APP_NOT_FOUND'],
    ['PATCH', `/api/v1/apps/${app}/config`, { set: { [p]: 'v' } }, 'INVALID_CONFIG_KEY'],
    ['PATCH', `/api/v1/apps/${app}/config`, { unset: [p] }, 'INVALID_CONFIG_KEY'],
    ['PATCH', `/api/v1/apps/${app}/domains`, { add: [p] }, 'INVALID_DOMAIN'],
    ['PATCH', '/api/v1/domains', { add: [p] }, 'INVALID_DOMAIN'],
    ['PATCH', `/api/v1/apps/${app}/git`, { deployBranch: p }, 'INVALID_BRANCH'],
    // An empty builder or buildpack means "detect again", a valid request.
    ...(p === '' ? [] : [['PATCH', `/api/v1/apps/${app}/builder`, { builder: p }, 'NO_BUILDER'], ['PATCH', `/api/v1/apps/${app}/builder`, { buildpack: p }, 'NO_BUILDER']] as Probe[]),
    ['POST', `/api/v1/apps/${app}/storage`, { mount: p }, 'INVALID_STORAGE_MOUNT'],
    // `a..b` is a valid Docker volume name (not a path), so it is only probed where it could be one.
    ...(p === 'a..b' ? [] : [['POST', `/api/v1/apps/${app}/storage`, { mount: `${p}:/data` }, 'INVALID_STORAGE_MOUNT']] as Probe[]),
    ['POST', `/api/v1/apps/${app}/storage`, { mount: `/tmp/berth-vol:${p}` }, 'INVALID_STORAGE_MOUNT'],
    ['PATCH', `/api/v1/apps/${app}/nginx`, { set: { [p]: '1' } }, 'INVALID_NGINX_SETTING'],
    ['PATCH', `/api/v1/apps/${app}/nginx`, { set: { 'client-max-body-size': p } }, 'INVALID_NGINX_SETTING'],
    ['PATCH', `/api/v1/apps/${app}/ports`, { add: [p] }, 'INVALID_PORT_MAPPING'],
    ['POST', `/api/v1/services/${enc}`, { name: 'x' }, noRoute ? 'NOT_FOUND' : 'SERVICE_PLUGIN_NOT_FOUND'],
    // An empty field is a missing one (INVALID_INPUT), before its format is checked.
    ['POST', '/api/v1/services/redis', { name: p }, p === '' ? 'INVALID_INPUT' : 'INVALID_SERVICE_NAME'],
    ['POST', '/api/v1/plugins', { source: p }, p === '' ? 'INVALID_INPUT' : 'PLUGIN_INSTALL_FAILED'],
    ['POST', `/api/v1/plugins/${enc}/enable`, {}, noRoute ? 'NOT_FOUND' : 'PLUGIN_NOT_FOUND'],
    // An empty email means "the default one"; no ACME server answers in tests.
    ['POST', `/api/v1/apps/${app}/letsencrypt`, { email: p }, p === '' ? 'ACME_FAILED' : 'INVALID_INPUT'],
    ['POST', '/api/v1/users', { name: p, role: 'viewer' }, 'INVALID_USER_NAME'],
    ['POST', '/api/v1/users', { name: uniqueName('u'), role: p }, 'INVALID_ROLE'],
    ['POST', '/api/v1/tokens', { name: p }, 'INVALID_TOKEN_NAME'],
    ['POST', '/api/v1/ssh-keys', { name: 'k', key: p }, 'INVALID_SSH_KEY'],
    ['POST', '/api/v1/ssh-keys', { name: p, key: 'ssh-ed25519 AAAA' }, 'INVALID_INPUT'],
    ['POST', `/api/v1/apps/${app}/collaborators`, { user: p }, 'INVALID_USER_NAME'],
  ];
}

function stateOf(berth: BerthProcess): string {
  const db = new Database(path.join(berth.home, 'berth.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sessions', 'sqlite_sequence') ORDER BY name").all();
    const hash = crypto.createHash('sha256');
    for (const t of tables) hash.update(t.name).update(JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all()));
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

function nginxFiles(berth: BerthProcess): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (!/temp|logs/.test(e.name)) walk(p); } else if (/\.conf$/.test(e.name)) out[p] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(path.join(berth.home, 'nginx'));
  return out;
}

describe('injection corpus against every input field', function () {
  this.timeout(300_000);
  let wt: WorkTree | null = null;
  const app = uniqueName('inj');

  after(() => { wt?.remove(); });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('dockerfile-app');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
  });

  it('answers each with its one error code (and that code\'s 4xx status), never a 500, and changes no state or nginx file', async () => {
    const state = stateOf(berth);
    const nginx = nginxFiles(berth);
    assert.ok(Object.keys(nginx).length > 0, 'the app has an nginx config to protect');
    const bad: string[] = [];
    let sent = 0;
    for (const p of CORPUS) {
      for (const [method, url, body, code] of probes(app, p)) {
        const res = await berth.api(method, url, body);
        sent++;
        const status = STATUS_FOR_KIND[CATALOGUE[code].kind];
        if (res.status !== status || res.json?.error?.code !== code) {
          bad.push(`${method} ${url} ${JSON.stringify(body)?.slice(0, 80)} → ${res.status} ${res.text.slice(0, 120)} (expected ${status} ${code})`);
        }
      }
    }
    assert.deepEqual(bad, [], `of ${sent} requests, these did not answer their one code`);
    assert.equal(stateOf(berth), state, 'the database changed');
    assert.deepEqual(nginxFiles(berth), nginx, 'nginx files changed');
    assert.ok(!fs.existsSync('/tmp/berth-pwned'));
    assert.equal((await berth.viaRouter(`${app}.localhost`)).status, 200, 'the app still serves');
  });
});
