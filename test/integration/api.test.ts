import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SCHEMA_VERSION } from '../../app/infra/sqlite/migrate';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';

describe('REST API (real berth process)', function () {
  this.timeout(120_000);
  const berth = useBerth();

  it('answers /healthz without a token', async () => {
    const r = await berth.api('GET', '/healthz', undefined, null);
    assert.equal(r.status, 200);
  });

  it('refuses requests without a token or with a bad one (401, catalogue code)', async () => {
    const none = await berth.api('GET', '/api/v1/apps', undefined, null);
    assert.equal(none.status, 401);
    assert.equal(none.json.error.code, 'UNAUTHENTICATED');
    const bad = await berth.api('GET', '/api/v1/apps', undefined, 'berth_wrong');
    assert.equal(bad.status, 401);
    assert.match(bad.json.error.message, /berth login/);
  });

  it('berth version and GET /api/v1/version: package.json\'s version, the checkout\'s commit, the database schema; no token, no answer', async () => {
    const root = path.resolve(__dirname, '../../..');
    const version = (require(path.join(root, 'package.json')) as { version: string }).version;
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const r = await berth.api('GET', '/api/v1/version');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { version, commit, schema: SCHEMA_VERSION });
    const cli = berth.cli(['version']);
    assert.deepEqual([cli.code, cli.stdout, cli.stderr], [0, `berth ${version}\ncommit ${commit}\ndatabase schema ${SCHEMA_VERSION}\n`, '']);
    const none = await berth.api('GET', '/api/v1/version', undefined, null);
    assert.deepEqual([none.status, none.json.error.code], [401, 'UNAUTHENTICATED']);
  });

  it('creates, lists, refuses bad and duplicate names, renames and destroys apps', async () => {
    const name = uniqueName('api');
    const created = await berth.api('POST', '/api/v1/apps', { name });
    assert.equal(created.status, 201);
    assert.equal(created.json.app.name, name);

    const bad = await berth.api('POST', '/api/v1/apps', { name: 'Bad_Name' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.code, 'INVALID_APP_NAME');
    assert.match(bad.json.error.message, /lowercase letters, digits and dashes/);

    const dup = await berth.api('POST', '/api/v1/apps', { name });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.error.code, 'APP_EXISTS');

    const list = await berth.api('GET', '/api/v1/apps');
    assert.ok(list.json.apps.some((a: { name: string }) => a.name === name));

    const info = await berth.api('GET', `/api/v1/apps/${name}`);
    assert.equal(info.json.app.url, `http://${name}.localhost`);
    assert.deepEqual(info.json.app.domains, [`${name}.localhost`]);

    const renamed = `${name}-b`;
    const rn = await berth.api('PATCH', `/api/v1/apps/${name}`, { name: renamed });
    assert.equal(rn.status, 200, rn.text);
    assert.equal((await berth.api('GET', `/api/v1/apps/${name}`)).status, 404);

    const noConfirm = await berth.api('DELETE', `/api/v1/apps/${renamed}`);
    assert.equal(noConfirm.status, 422);
    assert.equal(noConfirm.json.error.code, 'CONFIRMATION_REQUIRED');
    const gone = await berth.api('DELETE', `/api/v1/apps/${renamed}?confirm=${renamed}`);
    assert.equal(gone.status, 204);
    assert.equal((await berth.api('GET', `/api/v1/apps/${renamed}`)).json.error.code, 'APP_NOT_FOUND');
  });

  it('answers malformed JSON with 400 INVALID_JSON and unknown routes with 404', async () => {
    const r = await berth.api('POST', '/api/v1/apps', '{"name": ');
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'INVALID_JSON');
    const nf = await berth.api('GET', '/api/v1/nope');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.error.code, 'NOT_FOUND');
  });

  it('sets, gets and unsets config vars, validating keys', async () => {
    const name = uniqueName('cfg');
    await berth.api('POST', '/api/v1/apps', { name });
    const set = await berth.api('PATCH', `/api/v1/apps/${name}/config`, { set: { A: '1', B: 'two words=x' } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json.config, { A: '1', B: 'two words=x' });
    const unset = await berth.api('PATCH', `/api/v1/apps/${name}/config`, { unset: ['A'] });
    assert.deepEqual(unset.json.config, { B: 'two words=x' });
    const bad = await berth.api('PATCH', `/api/v1/apps/${name}/config`, { set: { '1BAD': 'x' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.code, 'INVALID_CONFIG_KEY');
    const reserved = await berth.api('PATCH', `/api/v1/apps/${name}/config`, { set: { PORT: '1' } });
    assert.equal(reserved.status, 422);
    const wrongType = await berth.api('PATCH', `/api/v1/apps/${name}/config`, { set: { A: 1 } });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.json.error.code, 'INVALID_INPUT');
  });

  it('loses no app, config var or event when killed and started again', async () => {
    const name = uniqueName('durable');
    await berth.api('POST', '/api/v1/apps', { name });
    await berth.api('PATCH', `/api/v1/apps/${name}/config`, { set: { KEEP: 'me' } });
    const before = (await berth.api('GET', `/api/v1/events?app=${name}`)).json.events;
    assert.equal(before.length, 2);
    berth.kill();
    await berth.start();
    assert.equal((await berth.api('GET', `/api/v1/apps/${name}`)).status, 200);
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${name}/config`)).json.config, { KEEP: 'me' });
    assert.deepEqual((await berth.api('GET', `/api/v1/events?app=${name}`)).json.events, before);
  });
});
