import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';

/** Hostile strings: shell, newlines, traversal, nginx directives, overlong, unicode, control bytes. */
const CORPUS = [
  '; rm -rf /', '$(touch /tmp/berth-pwned)', '`id`', '| cat /etc/passwd', '&& reboot',
  'a\nb', 'a\r\nX-Injected: 1', 'line\u2028sep',
  '../../etc/passwd', '..', '/etc/shadow', 'a/../../b', '%2e%2e%2f',
  'x; } server { listen 80; root /; }', 'a { return 301 http://evil; }', 'include /etc/passwd;', '$host',
  'A'.repeat(5000), 'b'.repeat(300), 'ünïcödé', '💥', 'ＡＰＰ', 'a\u0000b', '\u202egnp.exe',
  '', ' ', '-rf', '--upload-pack=touch /tmp/pwn', 'a b', '"q"', "'", '<script>alert(1)</script>', '*', 'a..b', '.hidden',
];

/** Every field that takes a name, domain, env key, branch, path or plugin input; `P` is the payload. */
function probes(app: string, p: string): Array<[string, string, unknown]> {
  const enc = encodeURIComponent(p);
  return [
    ['POST', '/api/v1/apps', { name: p }],
    ['PATCH', `/api/v1/apps/${app}`, { name: p }],
    ['GET', `/api/v1/apps/${enc}/config`, undefined],
    ['PATCH', `/api/v1/apps/${enc}/config`, { set: { OK: '1' } }],
    ['PATCH', `/api/v1/apps/${app}/config`, { set: { [p]: 'v' } }],
    ['PATCH', `/api/v1/apps/${app}/config`, { unset: [p] }],
    ['PATCH', `/api/v1/apps/${app}/domains`, { add: [p] }],
    ['PATCH', '/api/v1/domains', { add: [p] }],
    ['PATCH', `/api/v1/apps/${app}/git`, { deployBranch: p }],
    // An empty builder or buildpack means "detect again", a valid request.
    ...(p === '' ? [] : [['PATCH', `/api/v1/apps/${app}/builder`, { builder: p }], ['PATCH', `/api/v1/apps/${app}/builder`, { buildpack: p }]] as Array<[string, string, unknown]>),
    ['POST', `/api/v1/apps/${app}/storage`, { mount: p }],
    // `a..b` is a valid Docker volume name (not a path), so it is only probed where it could be one.
    ...(p === 'a..b' ? [] : [['POST', `/api/v1/apps/${app}/storage`, { mount: `${p}:/data` }]] as Array<[string, string, unknown]>),
    ['POST', `/api/v1/apps/${app}/storage`, { mount: `/tmp/berth-vol:${p}` }],
    ['PATCH', `/api/v1/apps/${app}/nginx`, { set: { [p]: '1' } }],
    ['PATCH', `/api/v1/apps/${app}/nginx`, { set: { 'client-max-body-size': p } }],
    ['PATCH', `/api/v1/apps/${app}/ports`, { add: [p] }],
    ['POST', `/api/v1/services/${enc}`, { name: 'x' }],
    ['POST', '/api/v1/services/redis', { name: p }],
    ['POST', '/api/v1/plugins', { source: p }],
    ['POST', `/api/v1/plugins/${enc}/enable`, {}],
    ['POST', `/api/v1/apps/${app}/letsencrypt`, { email: p }],
    ['POST', '/api/v1/users', { name: p, role: 'viewer' }],
    ['POST', '/api/v1/users', { name: uniqueName('u'), role: p }],
    ['POST', '/api/v1/tokens', { name: p }],
    ['POST', '/api/v1/ssh-keys', { name: 'k', key: p }],
    ['POST', '/api/v1/ssh-keys', { name: p, key: 'ssh-ed25519 AAAA' }],
    ['POST', `/api/v1/apps/${app}/collaborators`, { user: p }],
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
  let berth: BerthProcess;
  let wt: WorkTree | null = null;
  const app = uniqueName('inj');

  before(async () => {
    requireBerthStack();
    berth = await startBerth();
    wt = WorkTree.fromFixture('dockerfile-app');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
  });
  after(async () => { wt?.remove(); await berth?.destroy(); });

  it('answers each with a 4xx and a code, never a 500, and changes no state or nginx file', async () => {
    const state = stateOf(berth);
    const nginx = nginxFiles(berth);
    assert.ok(Object.keys(nginx).length > 0, 'the app has an nginx config to protect');
    const bad: string[] = [];
    let sent = 0;
    for (const p of CORPUS) {
      for (const [method, url, body] of probes(app, p)) {
        const res = await berth.api(method, url, body);
        sent++;
        const ok = res.status >= 400 && res.status < 500 && typeof res.json?.error?.code === 'string' && /^[A-Z_]+$/.test(res.json.error.code);
        if (!ok) bad.push(`${method} ${url} ${JSON.stringify(body)?.slice(0, 80)} → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(bad, [], `of ${sent} requests, these were not a coded 4xx`);
    assert.equal(stateOf(berth), state, 'the database changed');
    assert.deepEqual(nginxFiles(berth), nginx, 'nginx files changed');
    assert.ok(!fs.existsSync('/tmp/berth-pwned'));
    assert.equal((await berth.viaRouter(`${app}.localhost`)).status, 200, 'the app still serves');
  });
});
