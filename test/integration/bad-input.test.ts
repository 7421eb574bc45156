import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { listEndpoints, keyOf, paramsOf, resourceOf } from '../support/api-routes';
import { ensureServiceImage } from './services-support';
import { DashboardSession, csrfIn } from '../support/dashboard-session';
import {
  BAD_ENCODING, BAD_PARAM, BAD_PARAM_EXCEPTIONS, BAD_QUERY, DASHBOARD_FORM_BAD_PARAM, DASHBOARD_FORM_EXCEPTIONS, DASHBOARD_MISSPELLED, DASHBOARD_PAGE_BAD_PARAM,
  DASHBOARD_PAGE_EXCEPTIONS, EMPTY_BODY, QUERY_ANSWERS, WEIRD_VALUES, type Answer,
} from './bad-input-answers';

/** Bodies no endpoint may accept. Wrong types: every field some route reads, with a type none of them takes. */
const BAD_BODIES: { readonly name: string; readonly raw: string; readonly expect: readonly [string, number] }[] = [
  { name: 'malformed JSON', raw: '{"name": "x", "set": {', expect: ['INVALID_JSON', 400] },
  { name: 'a JSON array', raw: '[1, 2, 3]', expect: ['INVALID_INPUT', 400] },
  { name: 'a JSON string', raw: '"just a string"', expect: ['INVALID_JSON', 400] },
  {
    name: 'wrong types',
    raw: JSON.stringify(Object.fromEntries([
      'name', 'set', 'unset', 'add', 'remove', 'image', 'buildpack', 'builder', 'mount', 'version', 'source', 'scale',
      'restartPolicy', 'process', 'email', 'deployBranch', 'confirm', 'restart', 'port', 'memory', 'cpus', 'key',
      'cert', 'app', 'alias', 'url', 'command', 'value', 'id', 'domains', 'ports', 'advertiseAddr',
      'to', 'passphrase', 'schedule', 'into', 'keep', 'endpoint', 'region', 'accessKeyId', 'secretAccessKey',
    ].map((k) => [k, [{ nested: [1] }]]))),
    expect: ['per route: WRONG_TYPES', 0],
  },
  { name: 'a huge body (> 1 MB)', raw: JSON.stringify({ name: 'x', set: { BIG: 'x'.repeat(1_200_000) } }), expect: ['INVALID_INPUT', 400] },
];

/**
 * Routes that act on their path alone (delete, restart, unlink…): their ids are left pointing at
 * nothing, so a bad body never makes them act; WRONG_TYPES lists the not-found code they answer.
 */
const ACT_ON_PATH = new Set([
  'DELETE /api/v1/users/:name', 'DELETE /api/v1/tokens/:name', 'DELETE /api/v1/ssh-keys/:name',
  'DELETE /api/v1/services/:plugin/:name/links/:app', 'POST /api/v1/services/:plugin/:name/:action',
  'DELETE /api/v1/services/:plugin/:name/expose',
  'DELETE /api/v1/registry/logins/:server',
  'DELETE /api/v1/routers/:name',
  'DELETE /api/v1/notifications/:id', 'POST /api/v1/notifications/:id/test',
  'DELETE /api/v1/apps/:app/notifications/:id', 'POST /api/v1/apps/:app/notifications/:id/test',
]);

/**
 * Routes for which `{}` is complete, valid input that changes this host: never sent an empty
 * body (POST /api/v1/swarm/init with {} would make this Docker Engine a swarm manager).
 */
const HOST_ACTIONS = new Set(['POST /api/v1/swarm/init']);

/** The one answer each route gives the wrong-types body (routes not named here: INVALID_INPUT, 400). */
const WRONG_TYPES: Readonly<Record<string, readonly [string, number]>> = {
  // Reads only `role` (not in the wrong-types body); the test's engine has no swarm to add a node to.
  'POST /api/v1/nodes/add': ['SWARM_NOT_ACTIVE', 503],
  // Read no body: the test's berth has no route feed (deploy) and its engine no swarm (remove).
  'POST /api/v1/routers/deploy': ['ROUTER_FEED_OFF', 409],
  'POST /api/v1/routers/remove': ['SWARM_NOT_ACTIVE', 503],
  // Reads no body: the backup x does not exist.
  'POST /api/v1/services/:plugin/:name/backups/:id/verify': ['BACKUP_NOT_FOUND', 404],
  // The route's own input check (the field it reads has the wrong type).
  'POST /api/v1/users': ['INVALID_USER_NAME', 422],
  'PATCH /api/v1/users/:name': ['INVALID_ROLE', 422],
  'POST /api/v1/apps/:app/collaborators': ['INVALID_USER_NAME', 422],
  'POST /api/v1/tokens': ['INVALID_TOKEN_NAME', 422],
  'POST /api/v1/apps': ['INVALID_APP_NAME', 422],
  'PATCH /api/v1/apps/:app': ['INVALID_APP_NAME', 422],
  'DELETE /api/v1/apps/:app': ['CONFIRMATION_REQUIRED', 422],
  'PATCH /api/v1/apps/:app/builder': ['NO_BUILDER', 422],
  'PATCH /api/v1/apps/:app/git': ['INVALID_BRANCH', 422],
  'POST /api/v1/apps/:app/deploys': ['INVALID_IMAGE', 422],
  'POST /api/v1/apps/:app/ps/scale': ['INVALID_SCALE', 422],
  'PATCH /api/v1/apps/:app/ps': ['INVALID_RESTART_POLICY', 422],
  'POST /api/v1/apps/:app/storage': ['INVALID_STORAGE_MOUNT', 422],
  'POST /api/v1/apps/:app/storage/unmount': ['INVALID_STORAGE_MOUNT', 422],
  'POST /api/v1/apps/:app/storage/directories': ['INVALID_STORAGE_MOUNT', 422],
  'PATCH /api/v1/apps/:app/domains': ['INVALID_DOMAIN', 422],
  'PATCH /api/v1/domains': ['INVALID_DOMAIN', 422],
  'PATCH /api/v1/apps/:app/ports': ['INVALID_PORT_MAPPING', 422],
  'POST /api/v1/apps/:app/certs': ['INVALID_CERTIFICATE', 422],
  'DELETE /api/v1/services/:plugin/:name': ['CONFIRMATION_REQUIRED', 422],
  'POST /api/v1/services/:plugin/:name/expose': ['SERVICE_PORT_INVALID', 422],
  'PATCH /api/v1/apps/:app/scheduler': ['INVALID_SCHEDULER', 422],
  'PATCH /api/v1/apps/:app/builder-dockerfile': ['INVALID_BUILD_SETTING', 422],
  'PATCH /api/v1/apps/:app/docker-options': ['INVALID_BUILD_SETTING', 422],
  'POST /api/v1/registry/logins': ['INVALID_REGISTRY_LOGIN', 422],
  'POST /api/v1/apps/:app/git-sync': ['INVALID_REPO_URL', 422],
  'POST /api/v1/apps/:app/webhooks': ['INVALID_WEBHOOK_PROVIDER', 422],
  'POST /api/v1/notifications': ['INVALID_NOTIFICATION_TARGET', 422],
  'POST /api/v1/apps/:app/notifications': ['INVALID_NOTIFICATION_TARGET', 422],
  'POST /api/v1/notifications/smtp': ['INVALID_SMTP_SETTINGS', 422],
  // `keep` is checked as the schedule's own field; the other two read no body and name nothing that exists.
  'POST /api/v1/services/:plugin/:name/backup-schedules/:schedule': ['BACKUP_SCHEDULE_INVALID', 422],
  'DELETE /api/v1/services/:plugin/:name/backup-schedules/:schedule': ['BACKUP_SCHEDULE_NOT_FOUND', 404],
  'DELETE /api/v1/backups/s3/:bucket': ['BACKUP_S3_NOT_SET', 422],
  // Bodyless routes that answer from the app's state (nothing running, nothing deployed, no certificate).
  'POST /api/v1/apps/:app/builds/cancel': ['NO_BUILD_RUNNING', 422],
  'POST /api/v1/apps/:app/ps/start': ['NO_RELEASE', 422],
  'POST /api/v1/apps/:app/ps/rebuild': ['NO_RELEASE', 422],
  // Reads only `types` (not among the wrong-typed fields): every type's checks, of a release the app does not have.
  'POST /api/v1/apps/:app/checks/run': ['NO_RELEASE', 422],
  'DELETE /api/v1/apps/:app/certs': ['CERT_NOT_FOUND', 404],
  'POST /api/v1/apps/:app/letsencrypt/renew': ['ACME_NOT_ENABLED', 422],
  // ACT_ON_PATH routes (ids that do not exist) and unknown actions or plugin routes.
  'DELETE /api/v1/users/:name': ['USER_NOT_FOUND', 404],
  'DELETE /api/v1/apps/:app/collaborators/:user': ['USER_NOT_FOUND', 404],
  'DELETE /api/v1/tokens/:name': ['TOKEN_NOT_FOUND', 404],
  'DELETE /api/v1/ssh-keys/:name': ['SSH_KEY_NOT_FOUND', 404],
  'DELETE /api/v1/routers/:name': ['ROUTER_NOT_FOUND', 404],
  'DELETE /api/v1/services/:plugin/:name/links/:app': ['SERVICE_NOT_FOUND', 404],
  'POST /api/v1/services/:plugin/:name/:action': ['NOT_FOUND', 404],
  'DELETE /api/v1/services/:plugin/:name/expose': ['SERVICE_NOT_FOUND', 404],
  'DELETE /api/v1/registry/logins/:server': ['INVALID_REGISTRY_LOGIN', 422],
  'DELETE /api/v1/notifications/:id': ['NOTIFICATION_NOT_FOUND', 404],
  'POST /api/v1/notifications/:id/test': ['NOTIFICATION_NOT_FOUND', 404],
  'DELETE /api/v1/apps/:app/notifications/:id': ['NOTIFICATION_NOT_FOUND', 404],
  'POST /api/v1/apps/:app/notifications/:id/test': ['NOTIFICATION_NOT_FOUND', 404],
  'POST /api/v1/plugins/:id/:action': ['NOT_FOUND', 404],
  'POST /api/v1/plugins/:id/api/*rest': ['NOT_FOUND', 404],
};

/**
 * Routes that read no body at all: there is no field for a wrong type to land in, so the
 * wrong-types body is not bad input for them (a JSON array or malformed JSON still is).
 */
const BODYLESS = new Set([
  'POST /api/v1/apps/:app/ps/stop', 'DELETE /api/v1/apps/:app/letsencrypt',
  'POST /api/v1/apps/:app/lock', 'DELETE /api/v1/apps/:app/lock', 'DELETE /api/v1/apps/:app/webhooks/:provider',
  'POST /api/v1/berth/backup', 'DELETE /api/v1/berth/backup-schedule',
  'POST /api/v1/apps/:app/ps/rebalance', 'POST /api/v1/nodes/:node/drain', 'POST /api/v1/nodes/:node/remove',
  'POST /api/v1/routers/deploy', 'POST /api/v1/routers/remove',
]);

/** `[code, status]` of an answer (code null when the answer is no error). */
const answerOf = (r: { status: number; json: any }): Answer => [typeof r.json?.error?.code === 'string' ? r.json.error.code : null, r.status];
const same = (a: Answer, b: Answer): boolean => a[0] === b[0] && a[1] === b[1];

const ADMIN_PASSWORD = 'correct horse battery';

describe('bad input: every API endpoint answers malformed JSON, wrong types, missing fields, huge bodies, bad path parameters and bad query strings with its one code and status, and changes nothing', function () {
  this.timeout(300_000);
  const app = uniqueName('badin');
  const svc = uniqueName('badin-svc');

  after(async () => {
    if (isStarted(berth)) await berth.api('DELETE', `/api/v1/services/redis/${svc}`, { confirm: svc, force: true }).catch(() => undefined);
  });
  // An empty body is a valid letsencrypt:enable: it must reach no real ACME server (port 9 refuses at once).
  const berth = useBerth({ BERTH_ACME_DIRECTORY: 'http://127.0.0.1:9/directory', BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD }, {
    setUp: () => ensureServiceImage(path.join(ROOT, 'plugins', 'redis')),
  });
  before(async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    assert.equal((await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { KEEP: 'me' } })).status, 200);
    // A real service, so routes that read a body about it reach their input checks instead of
    // answering SERVICE_NOT_FOUND first.
    const created = await berth.api('POST', '/api/v1/services/redis', { name: svc });
    assert.equal(created.status, 201, created.text);
  });

  /**
   * Path parameters: the app and the service exist, so validation is what answers a body-reading
   * route. Routes that read no body keep ids that do not exist (a wrong-types body is no bad input
   * for them, and with real ids they would act: delete a user, restart the service).
   */
  const fill = (p: string): string => {
    const onPath = ACT_ON_PATH.has(`DELETE ${p}`) || ACT_ON_PATH.has(`POST ${p}`);
    return p.replace(':app', app).replace(':plugin', 'redis').replace(':name', p.startsWith('/api/v1/services/') && !onPath ? svc : 'nosuch-name')
      .replace(':user', 'nosuch-user').replace(':action', 'nosuch-action').replace(':schedule', 'nosuch-schedule').replace(':bucket', 'nosuch-bucket').replace(':id', 'redis').replace('*rest', 'x');
  };

  /**
   * The path with every parameter naming something that exists (the app, its redis service, the
   * admin, plugin redis), except `weird`, which gets `value` as it is (already percent-encoded).
   */
  const real = (template: string, weird?: string, value?: string): string => {
    const existing = (param: string): string => {
      const at = resourceOf(template, param);
      if (at === '/api/v1/services/:plugin/:name') return svc;
      if (at === '/api/v1/services/:plugin' || at === '/api/v1/plugins/:id') return 'redis';
      if (at.endsWith('/collaborators/:user')) return 'admin';
      if (at.endsWith('/builds/:id')) return '1';
      if (at.endsWith('/:action')) return 'restart';
      return param === 'app' ? app : 'x';
    };
    return template.replace(/[:*]([a-z]+)/gi, (_all, param: string) => (param === weird ? value! : existing(param)));
  };

  /** What an operator could see change: apps, their settings, builds, releases, services, plugins. */
  async function snapshot(): Promise<string> {
    const gets = [
      '/api/v1/apps', `/api/v1/apps/${app}`, `/api/v1/apps/${app}/config`, `/api/v1/apps/${app}/builds`,
      `/api/v1/apps/${app}/releases`, `/api/v1/apps/${app}/domains`, `/api/v1/apps/${app}/ports`, `/api/v1/apps/${app}/nginx`,
      `/api/v1/apps/${app}/storage`, `/api/v1/apps/${app}/resources`, `/api/v1/apps/${app}/ps/scale`, `/api/v1/apps/${app}/certs`,
      '/api/v1/domains', '/api/v1/services/postgres', '/api/v1/plugins',
    ];
    const parts: string[] = [];
    for (const g of gets) {
      const r = await berth.api('GET', g);
      parts.push(`${g} ${r.status} ${r.text}`);
    }
    return parts.join('\n');
  }

  it('lists the routes from the express app (the list covers the whole API)', () => {
    const endpoints = listEndpoints();
    const api = endpoints.filter((e) => e.path.startsWith('/api/v1/'));
    assert.ok(api.length >= 40, `only ${api.length} API routes found`);
    for (const b of BODYLESS) assert.ok(api.some((e) => `${e.method} ${e.path}` === b), `BODYLESS names a route that is gone: ${b}`);
    for (const must of ['POST /api/v1/apps', 'PATCH /api/v1/apps/:app/config', 'POST /api/v1/apps/:app/deploys']) {
      assert.ok(api.some((e) => `${e.method} ${e.path}` === must), `${must} is missing from the list`);
    }
  });

  it('every API endpoint that takes a body answers each bad body with a 4xx and an error code, and nothing changes', async () => {
    const endpoints = listEndpoints().filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET');
    const before = await snapshot();
    const problems: string[] = [];
    for (const e of endpoints) {
      for (const bad of BAD_BODIES) {
        if (bad.name === 'wrong types' && BODYLESS.has(`${e.method} ${e.path}`)) continue;
        const r = await berth.api(e.method, fill(e.path), bad.raw);
        const code = r.json?.error?.code;
        if (process.env.BERTH_TEST_DUMP) console.log(`DUMP '${e.method} ${e.path}': ['${code}', ${r.status}], // ${bad.name}`);
        const want = bad.name === 'wrong types' ? WRONG_TYPES[`${e.method} ${e.path}`] ?? ['INVALID_INPUT', 400] : bad.expect;
        if (code !== want[0] || r.status !== want[1]) {
          problems.push(`${e.method} ${e.path} with ${bad.name}: ${r.status} ${code} (expected ${want[1]} ${want[0]}): ${r.text.slice(0, 160)}`);
        }
      }
    }
    assert.deepEqual(problems, [], `endpoints that took bad input:\n${problems.join('\n')}`);
    assert.equal(await snapshot(), before, 'bad input changed state');
  });

  it('missing fields: {} to every changing API route, with ids that exist, gets that route\'s one answer (bad-input-answers.ts)', async () => {
    const problems: string[] = [];
    for (const e of listEndpoints().filter((x) => x.path.startsWith('/api/v1/') && x.method !== 'GET')) {
      const want = EMPTY_BODY[keyOf(e)];
      if (want === undefined) { problems.push(`${keyOf(e)}: no entry in EMPTY_BODY`); continue; }
      if ('notSent' in want) continue;
      const r = await berth.api(e.method, real(e.path), '{}');
      if (!same(answerOf(r), want)) problems.push(`${keyOf(e)} {}: ${r.status} ${answerOf(r)[0]} (expected ${want[1]} ${want[0]}): ${r.text.slice(0, 160)}`);
    }
    assert.deepEqual(problems, []);
    // The app and its config survive whatever the empty bodies were allowed to do.
    const config = await berth.api('GET', `/api/v1/apps/${app}/config`);
    assert.equal(config.status, 200);
    assert.deepEqual(config.json.config, { KEEP: 'me' });
  });

  it('bad path parameters: each parameter of every API route, one at a time, gets the one answer for what it names', async () => {
    const problems: string[] = [];
    for (const e of listEndpoints().filter((x) => x.path.startsWith('/api/v1/') && !HOST_ACTIONS.has(keyOf(x)))) {
      for (const param of paramsOf(e.path)) {
        const values: [string, string][] = [...Object.entries(WEIRD_VALUES), ['badEncoding', BAD_ENCODING.value]];
        for (const [name, value] of values) {
          const want = name === 'badEncoding' ? BAD_ENCODING.answer
            : BAD_PARAM_EXCEPTIONS[`${keyOf(e)} :${param}=${name}`] ?? BAD_PARAM_EXCEPTIONS[`${keyOf(e)} :${param}`] ?? BAD_PARAM[resourceOf(e.path, param)];
          if (want === undefined) { problems.push(`${keyOf(e)} :${param}: no entry in BAD_PARAM for ${resourceOf(e.path, param)}`); continue; }
          const r = await berth.api(e.method, real(e.path, param, value), e.method === 'GET' ? undefined : '{}');
          if (!same(answerOf(r), want)) problems.push(`${keyOf(e)} :${param}=${name}: ${r.status} ${answerOf(r)[0]} (expected ${want[1]} ${want[0]}): ${r.text.slice(0, 160)}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('bad query strings: every GET route of the API, with ids that exist, gets its one answer', async () => {
    const swarm = spawnSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf8' }).stdout.trim();
    const problems: string[] = [];
    for (const e of listEndpoints().filter((x) => x.path.startsWith('/api/v1/') && x.method === 'GET')) {
      const want: Answer = keyOf(e) === 'GET /api/v1/nodes' && swarm === 'active' ? [null, 200] : QUERY_ANSWERS[keyOf(e)] ?? [null, 200];
      const r = await berth.api('GET', real(e.path) + BAD_QUERY);
      if (!same(answerOf(r), want)) problems.push(`${keyOf(e)}${BAD_QUERY}: ${r.status} ${answerOf(r)[0]} (expected ${want[1]} ${want[0]}): ${r.text.slice(0, 160)}`);
    }
    assert.deepEqual(problems, []);
  });

  it('the dashboard, signed in: each parameter of every page and form, one at a time, gets the one answer for what it names', async () => {
    const browser = new DashboardSession(berth.url);
    await browser.login(ADMIN_PASSWORD);
    const csrf = csrfIn((await browser.get('/')).text);
    // Pages answer with an error page; the charts' data (…/metrics.json) with the API's JSON error.
    const codeOf = (text: string): string | null => (text.startsWith('{') ? (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null
      : /<section class="card" data-error="([A-Z_]+)">/.exec(text)?.[1] ?? null);
    const problems: string[] = [];
    // /hooks/<provider>/<app> is the forges' endpoint, not a form: bad parameters there are unverified deliveries (test/unit/forge).
    for (const e of listEndpoints().filter((x) => !x.path.startsWith('/api/') && !x.path.startsWith('/hooks/') && paramsOf(x.path).length > 0)) {
      for (const param of paramsOf(e.path)) {
        const path = (value: string) => e.path.replace(/[:*]([a-z]+)/gi, (_all, p: string) => (p === param ? value : p === 'app' ? app : p === 'plugin' ? 'redis' : p === 'name' ? svc : '1'));
        const form = e.method === 'GET' ? undefined : { _csrf: csrf };
        for (const [name, value] of [...Object.entries(WEIRD_VALUES), ['badEncoding', BAD_ENCODING.value] as const]) {
          const r = await browser.request(e.method, path(value), form);
          const got = `${r.status} ${r.status === 303 ? r.location : codeOf(r.text)}`;
          let want: string;
          if (name === 'badEncoding') want = `${BAD_ENCODING.answer[1]} ${BAD_ENCODING.answer[0]}`;
          else if (DASHBOARD_MISSPELLED.has(`${keyOf(e)} :${param}=${name}`)) want = '403 FORBIDDEN';
          else if (e.method === 'GET') {
            const a = DASHBOARD_PAGE_EXCEPTIONS[`${keyOf(e)} :${param}`] ?? DASHBOARD_PAGE_BAD_PARAM[resourceOf(e.path, param)];
            want = a ? `${a[1]} ${a[0]}` : `no entry for ${resourceOf(e.path, param)}`;
          } else {
            const back = DASHBOARD_FORM_EXCEPTIONS[`${keyOf(e)} :${param}`] ?? DASHBOARD_FORM_BAD_PARAM[resourceOf(e.path, param)];
            want = back ? `303 ${back.replace('{value}', encodeURIComponent(decodeURIComponent(new URL(`http://x/${value}`).pathname.slice(1)))).replace('{name}', svc)}` : `no entry for ${resourceOf(e.path, param)}`;
          }
          if (got !== want) { problems.push(`${keyOf(e)} :${param}=${name}: ${got} (expected ${want})`); continue; }
          // The page a refused form sends the browser back to says so.
          if (r.status === 303 && !/class="flash flash-error"/.test((await browser.get(r.location!)).text)) problems.push(`${keyOf(e)} :${param}=${name}: ${r.location} shows no error`);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config, { KEEP: 'me' });
  });

  it('no token, a wrong token and a garbage Authorization header get 401 with a code', async () => {
    for (const token of [null, 'wrong', 'x'.repeat(5000)]) {
      const r = await berth.api('POST', '/api/v1/apps', { name: uniqueName('noauth') }, token);
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json?.error?.code, 'UNAUTHENTICATED', r.text);
    }
    assert.equal((await berth.api('GET', '/api/v1/apps')).json.apps.length, 1);
  });
});
