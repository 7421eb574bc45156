import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { requireBerthStack } from '../support/requirements';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { ensureServiceImage, removeAppImages, removeServiceLeftovers } from './services-support';

const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
const webContainers = (b: BerthProcess, app: string) => spawnSync('docker', ['ps', '-q', '--filter', `label=berth.app=${app}`,
  '--filter', 'label=berth.process=web', '--filter', `label=berth.scope=${b.env.BERTH_NETWORK}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;

/**
 * `berth export` on one berth → a fresh BERTH_HOME → `berth apply`: the same apps, config, domains,
 * ports, scale and service link; a push then deploys into them and answers; a second apply changes
 * nothing. Two berths one after the other (the first is gone before the second starts: service
 * containers are named by service, not by berth), each with its own home.
 */
describe('berth export / berth apply: the server in one file', function () {
  this.timeout(600_000);
  // Apps are listed by name: api first.
  const api = uniqueName('sf1api');
  const web = uniqueName('sf2web');
  const db = uniqueName('sfdb');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-server-file-'));
  const file = path.join(tmp, 'berth.yaml');
  const passFile = path.join(tmp, 'passphrase');
  const webDomain = `${web}.example.test`;
  const apiDomain = `${api}.example.test`;
  const globalDomain = `${uniqueName('sfg')}.test`;
  let a: BerthProcess | null = null;
  let b: BerthProcess | null = null;
  let wt: WorkTree;
  let exported = '';

  before(async () => {
    requireBerthStack();
    ensureServiceImage(path.join(ROOT, 'plugins', 'postgres'));
    fs.writeFileSync(passFile, 'a long export passphrase\n');
    wt = WorkTree.fromFixture('service-client');
    a = await startBerth();
    ok(a.cli(['postgres:create', db]));
    ok(a.cli(['apps:create', web]));
    ok(a.cli(['apps:create', api]));
    ok(a.cli(['config:set', '--no-restart', web, 'GREETING=hello from the file']));
    ok(a.cli(['config:set', '--no-restart', api, 'API_TOKEN=s3cr3t-t0ken']));
    ok(a.cli(['domains:add', web, webDomain]));
    ok(a.cli(['domains:add', api, apiDomain]));
    ok(a.cli(['ports:set', api, 'http:8080:5000']));
    ok(a.cli(['nginx:set', api, 'client-max-body-size', '20m']));
    ok(a.cli(['domains:add-global', globalDomain]));
    // Every other part of an app, on the one that is never deployed.
    ok(a.cli(['builder:set', api, 'dockerfile']));
    ok(a.cli(['builder-dockerfile:set', api, 'dockerfile-path', 'docker/Dockerfile']));
    ok(a.cli(['docker-options:add', api, 'build', '--build-arg VERSION=b1ld-s3cret']));
    ok(a.cli(['resource:limit', api, '--memory', '256m', '--cpu', '0.5']));
    ok(a.cli(['ps:set', api, 'restart-policy', 'on-failure:3']));
    ok(a.cli(['checks:disable', api, 'worker']));
    ok(a.cli(['storage:mount', api, 'data:/data']));
    ok(a.cli(['postgres:link', db, web]));
    const push = wt.push(a.url, a.token, web);
    assert.equal(push.code, 0, push.output);
    ok(a.cli(['ps:scale', web, 'web=2']));
  });
  after(async () => {
    wt?.remove();
    for (const x of [a, b]) {
      if (!x) continue;
      removeServiceLeftovers(x);
      await x.destroy();
    }
    removeAppImages([web, api]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('export: secrets sealed with the passphrase (never in plaintext), or { keep: true } without one; developers may not export', async () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'export', '--passphrase-file', passFile],
      { encoding: 'utf8', env: { ...process.env, BERTH_URL: a!.url, BERTH_TOKEN: a!.token, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stderr);
    exported = r.stdout;
    fs.writeFileSync(file, exported);
    assert.ok(!exported.includes('s3cr3t-t0ken') && !exported.includes('hello from the file') && !exported.includes('b1ld-s3cret'), exported);
    assert.match(exported, /API_TOKEN:\n\s+encrypted: v1\./);
    const kept = a!.cli(['export']);
    ok(kept);
    assert.match(kept.stdout, /API_TOKEN:\n\s+keep: true/);
    assert.ok(!kept.stdout.includes('s3cr3t-t0ken'));
    const devName = uniqueName('dev');
    const dev = await a!.api('POST', '/api/v1/users', { name: devName, role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    assert.equal((await a!.api('POST', `/api/v1/apps/${web}/collaborators`, { user: devName })).status, 201);
    for (const [p, body] of [['/api/v1/server/export', { includeSecrets: true }], ['/api/v1/server/apply', { file: exported, dryRun: true }]] as const) {
      const res = await a!.api('POST', p, body, dev.json.token);
      assert.deepEqual([res.status, res.json.error.code], [403, 'FORBIDDEN'], res.text);
    }
  });

  it('a fresh BERTH_HOME: apply --dry-run shows the diff and changes nothing; apply converges; a second apply changes nothing', async () => {
    // The first berth and its service container go first: service containers are named by service.
    removeServiceLeftovers(a!);
    await a!.destroy();
    a = null;
    b = await startBerth();
    const dry = b.cli(['apply', file, '--dry-run', '--passphrase-file', passFile]);
    ok(dry);
    const diff = [
      `~ settings globalDomains: +${globalDomain}`,
      `+ postgres service ${db}`,
      `+ app ${api}`,
      `+ app ${web}`,
      `~ app ${api} builder: auto → dockerfile`,
      `~ app ${api} restartPolicy: unless-stopped → on-failure:3`,
      `~ app ${api} build dockerfile-path: Dockerfile → docker/Dockerfile`,
      `~ app ${api} build options (docker-options build)`,
      `~ app ${api} resources: memory 256m, cpus 0.5`,
      `~ app ${api} checks: disabled worker, skipped none`,
      `~ app ${api} config: +API_TOKEN`,
      `~ app ${api} ports: http:8080:5000`,
      `+ app ${api} storage volume data:/data`,
      `~ app ${api} nginx: client-max-body-size=20m`,
      `~ app ${web} config: +GREETING`,
      `~ app ${web} scale: web=2`,
      `~ app ${api} domains: +${apiDomain}`,
      `~ app ${web} domains: +${webDomain}`,
      `+ postgres service ${db} linked to ${web} as DATABASE_URL`,
    ];
    assert.equal(dry.stdout, [`=====> ${diff.length} changes to make (dry run: nothing changed)`, ...diff, ''].join('\n'));
    assert.deepEqual((await b.api('GET', '/api/v1/apps')).json.apps, []);

    const wrong = b.cli(['apply', file], { input: '' });
    assert.deepEqual([wrong.code, wrong.stderr], [1, `!     apps.${api}.build.options is sealed: give the passphrase it was exported with (--passphrase-file, or BERTH_EXPORT_PASSPHRASE).\n`]);

    const applied = b.cli(['apply', file, '--passphrase-file', passFile]);
    ok(applied);
    assert.equal(applied.stdout, [`=====> ${diff.length} changes to make`, ...diff, `=====> Applied ${diff.length} changes`, ''].join('\n'));
    assert.deepEqual((await b.api('GET', '/api/v1/apps')).json.apps.map((x: { name: string }) => x.name).sort(), [web, api].sort());
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${web}/config`)).json.config, { GREETING: 'hello from the file' });
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${api}/config`)).json.config, { API_TOKEN: 's3cr3t-t0ken' });
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${web}/domains`)).json.domains.customDomains, [webDomain]);
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${api}/domains`)).json.domains.customDomains, [apiDomain]);
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${api}/ports`)).json.ports, ['http:8080:5000']);
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${web}/ps/scale`)).json.scale, { web: 2 });
    assert.equal(b.cli(['nginx:report', api, '--nginx-client-max-body-size']).stdout, '20m\n');
    assert.deepEqual((await b.api('GET', '/api/v1/domains')).json.globalDomains, [globalDomain]);
    const info = (await b.api('GET', `/api/v1/apps/${api}`)).json.app;
    assert.deepEqual([info.builder, info.restartPolicy, info.memoryMb, info.cpus], ['dockerfile', 'on-failure:3', 256, 0.5]);
    const build = (await b.api('GET', `/api/v1/apps/${api}/builder-dockerfile`)).json;
    assert.deepEqual([build['dockerfile-path'], build['docker-options-build']], ['docker/Dockerfile', ['--build-arg VERSION=b1ld-s3cret']]);
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${api}/checks`)).json.checks, { disabled: ['worker'], skipped: [] });
    assert.deepEqual((await b.api('GET', `/api/v1/apps/${api}/storage`)).json.mounts.map((m: { target: string; kind: string }) => [m.kind, m.target]), [['volume', '/data']]);
    assert.deepEqual((await b.api('GET', `/api/v1/services/postgres/${db}`)).json.service.links, [{ app: web, alias: 'DATABASE_URL' }]);

    const again = b.cli(['apply', file, '--passphrase-file', passFile]);
    assert.deepEqual([again.code, again.stdout], [0, `No changes: this server already matches ${file}.\n`], again.stderr);
  });

  it('a push deploys into the applied app: it answers on its domain with its config, the linked database and its scale; apply still changes nothing', async () => {
    const push = wt.push(b!.url, b!.token, web);
    assert.equal(push.code, 0, push.output);
    assert.equal((await b!.viaRouter(webDomain, '/env/GREETING')).text, 'hello from the file');
    assert.equal((await b!.viaRouter(webDomain, '/pg/write?v=applied')).status, 200);
    assert.equal((await b!.viaRouter(webDomain, '/pg/read')).text, '["applied"]');
    await waitFor('2 web containers', () => webContainers(b!, web) === 2);
    const again = b!.cli(['apply', file, '--passphrase-file', passFile]);
    assert.deepEqual([again.code, again.stdout], [0, `No changes: this server already matches ${file}.\n`], again.stderr);
  });

  it('misuse: a file is checked as the verbs check (bad name, reserved or taken domain, a host path outside the app\'s storage) and changes nothing', async () => {
    const apply = async (yaml: string) => {
      const res = await b!.api('POST', '/api/v1/server/apply', { file: yaml });
      return [res.status, res.json?.error?.code, res.json?.error?.message];
    };
    assert.deepEqual((await apply('berth: 1\napps:\n  Bad_Name: {}\n')).slice(0, 2), [422, 'INVALID_APP_NAME']);
    assert.deepEqual(await apply(`berth: 1\napps:\n  ${api}: { domains: [${webDomain}] }\n`),
      [409, 'DOMAIN_TAKEN', `app ${api} domains: +${webDomain} -${apiDomain}: ${webDomain} is served by app "${web}"; remove it there first. (0 of 1 changes were made before this one; fix the file and apply again)`]);
    // <name>.<BERTH_DOMAIN> belongs to the app of that name, present or future.
    assert.deepEqual((await apply(`berth: 1\napps:\n  ${api}: { domains: [${uniqueName('future')}.localhost] }\n`)).slice(0, 2), [409, 'DOMAIN_RESERVED']);
    assert.deepEqual((await apply(`berth: 1\napps:\n  ${api}: { storage: [ { folder: ../../../etc, path: /host-etc } ] }\n`)).slice(0, 2), [422, 'INVALID_STORAGE_MOUNT']);
    assert.deepEqual((await apply(`berth: 1\napps:\n  ${api}: { storage: [ { volume: /etc, path: /host-etc } ] }\n`)).slice(0, 2), [422, 'INVALID_STORAGE_MOUNT']);
    assert.deepEqual((await apply('berth: 1\nplugins: { evil: { enabled: true, source: /tmp/evil } }\n')).slice(0, 2), [422, 'SERVER_FILE_INVALID']);
    assert.deepEqual((await b!.api('GET', '/api/v1/apps')).json.apps.map((x: { name: string }) => x.name).sort(), [web, api].sort());
    assert.deepEqual((await b!.api('GET', `/api/v1/apps/${api}/domains`)).json.domains.customDomains, [apiDomain]);
    assert.deepEqual((await b!.api('GET', `/api/v1/apps/${api}/storage`)).json.mounts.map((m: { target: string }) => m.target), ['/data']);
  });
});
