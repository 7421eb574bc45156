import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { request } from './router-support';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('router: domains, ports, nginx settings, app templates', function () {
  this.timeout(300_000);
  const trees: WorkTree[] = [];
  const one = uniqueName('rd-one');
  const two = uniqueName('rd-two');
  const confOf = (app: string) => fs.readFileSync(path.join(berth.home, 'nginx', 'apps', `${app}.conf`));

  const deploy = (app: string, body: string, extra: Record<string, string> = {}) => {
    const wt = WorkTree.fromFixture('dockerfile-app');
    trees.push(wt);
    wt.write('www/index.html', `${body}\n`);
    for (const [f, c] of Object.entries(extra)) wt.write(f, c);
    wt.commitAll('app');
    const r = wt.push(berth.url, berth.token, app);
    assert.equal(r.code, 0, r.output);
    return wt;
  };

  after(async () => {
    trees.forEach((t) => t.remove());
    if (isStarted(berth)) for (const a of [one, two]) berth.cli(['apps:destroy', a, '--confirm', a]);
  });
  const berth = useBerth();
  before(async () => {
    deploy(one, 'app one');
    deploy(two, 'app two');
  });

  it('routes a custom domain (and a wildcard) to its app; two apps never see each other\'s traffic', async () => {
    const add = berth.cli(['domains:add', one, 'www.one.example.test', '*.wild.example.test']);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(berth.cli(['domains:add', two, 'two.example.test']).code, 0);
    assert.equal((await berth.viaRouter('www.one.example.test')).text.trim(), 'app one');
    assert.equal((await berth.viaRouter('anything.wild.example.test')).text.trim(), 'app one');
    assert.equal((await berth.viaRouter('two.example.test')).text.trim(), 'app two');
    assert.equal((await berth.viaRouter(`${two}.localhost`)).text.trim(), 'app two');
    assert.equal((await berth.viaRouter(`${one}.localhost`)).text.trim(), 'app one');
    const unknown = await berth.viaRouter('nobody.example.test');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /No app is configured for this host/);

    const report = berth.cli(['domains:report', one, '--json']);
    assert.deepEqual(JSON.parse(report.stdout).domains.customDomains, ['*.wild.example.test', 'www.one.example.test']);

    // One domain, one app: 409 with a code, for custom domains and default vhosts alike.
    const taken = await berth.api('PATCH', `/api/v1/apps/${two}/domains`, { add: ['WWW.one.example.test.'] });
    assert.equal(taken.status, 409, taken.text);
    assert.equal(taken.json.error.code, 'DOMAIN_TAKEN');
    const vhost = await berth.api('PATCH', `/api/v1/apps/${two}/domains`, { add: [`${one}.localhost`] });
    assert.equal(vhost.json.error.code, 'DOMAIN_TAKEN');

    assert.equal(berth.cli(['domains:remove', one, 'www.one.example.test']).code, 0);
    assert.equal((await berth.viaRouter('www.one.example.test')).status, 404);
    const missing = berth.cli(['domains:remove', one, 'www.one.example.test']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no custom domain/);
  });

  it('global domains give every app <app>.<global>', async () => {
    assert.equal(berth.cli(['domains:add-global', 'apps.example.test']).code, 0);
    assert.equal((await berth.viaRouter(`${one}.apps.example.test`)).text.trim(), 'app one');
    assert.equal((await berth.viaRouter(`${two}.apps.example.test`)).text.trim(), 'app two');
    assert.match(berth.cli(['domains:report-global']).stdout, /apps\.example\.test/);
    assert.equal(berth.cli(['domains:remove-global', 'apps.example.test']).code, 0);
    assert.equal((await berth.viaRouter(`${one}.apps.example.test`)).status, 404);
  });

  it('rejects injection attempts in domains, ports and nginx settings with codes; the config on disk is unchanged', async () => {
    const before = confOf(one);
    const mainBefore = fs.readFileSync(path.join(berth.home, 'nginx', 'nginx.conf'));
    const domains = ['evil.test; include /etc/passwd', 'a b.test', 'x{.test', 'a.test\nserver_name y', '"q".test', 'a..b.test', '$host', 'a.*.test', '-a.test', `${'a'.repeat(64)}.test`];
    for (const d of domains) {
      const r = await berth.api('PATCH', `/api/v1/apps/${one}/domains`, { add: [d] });
      assert.equal(r.status, 422, `${JSON.stringify(d)}: ${r.text}`);
      assert.equal(r.json.error.code, 'INVALID_DOMAIN');
    }
    const globalBad = await berth.api('PATCH', '/api/v1/domains', { add: ['x.test;'] });
    assert.equal(globalBad.json.error.code, 'INVALID_DOMAIN');
    for (const p of ['http:80:5000;', 'http:80:5000 x', 'tcp:1:2', 'http:0:5000', 'http:80:99999', 'https:8443:5000', 'http:80:5000\n']) {
      const r = await berth.api('PATCH', `/api/v1/apps/${one}/ports`, { add: [p] });
      assert.equal(r.status, 422, `${JSON.stringify(p)}: ${r.text}`);
      assert.equal(r.json.error.code, 'INVALID_PORT_MAPPING');
    }
    const settings: Record<string, string>[] = [
      { 'client-max-body-size': '1m; root /' }, { 'proxy-read-timeout': '60s\n' }, { 'hsts': 'yes' }, { 'root': '/' }, { 'client-max-body-size': '1m}' },
    ];
    for (const set of settings) {
      const r = await berth.api('PATCH', `/api/v1/apps/${one}/nginx`, { set });
      assert.equal(r.status, 422, `${JSON.stringify(set)}: ${r.text}`);
      assert.equal(r.json.error.code, 'INVALID_NGINX_SETTING');
    }
    const cli = berth.cli(['domains:add', one, 'bad;domain']);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /Invalid domain/);
    assert.deepEqual(confOf(one), before, 'the app config is byte-for-byte unchanged');
    assert.deepEqual(fs.readFileSync(path.join(berth.home, 'nginx', 'nginx.conf')), mainBefore);
    assert.equal((await berth.viaRouter(`${one}.localhost`)).text.trim(), 'app one');
  });

  it('maps extra ports and applies nginx settings', async () => {
    const extra = await freePort();
    const add = berth.cli(['ports:add', one, `http:${extra}:5000`]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(berth.cli(['ports:report', one]).stdout, new RegExp(`http:${extra}:5000`));
    assert.equal((await request({ port: extra, host: `${one}.localhost` })).text.trim(), 'app one');
    assert.equal((await berth.viaRouter(`${one}.localhost`)).text.trim(), 'app one', 'the default http:80 mapping stays');
    assert.equal(berth.cli(['ports:remove', one, `http:${extra}:5000`]).code, 0);
    await assert.rejects(request({ port: extra, host: `${one}.localhost` }));
  }).timeout(120_000);

  it('nginx:set changes the generated config; nginx:report shows it', async () => {
    assert.equal(berth.cli(['nginx:set', one, 'client-max-body-size', '5m']).code, 0);
    assert.equal(berth.cli(['nginx:set', one, 'proxy-read-timeout', '120s']).code, 0);
    const conf = berth.cli(['nginx:show-config', one]).stdout;
    assert.match(conf, /client_max_body_size 5m;/);
    assert.match(conf, /proxy_read_timeout 120s;/);
    assert.match(berth.cli(['nginx:report', one]).stdout, /client-max-body-size:\s+5m/);
    assert.equal(berth.cli(['nginx:set', one, 'client-max-body-size']).code, 0);
    assert.match(berth.cli(['nginx:show-config', one]).stdout, /client_max_body_size 100m;/);
  });

  it('uses the app\'s own nginx.conf.njk ({{ VAR }} only); a bad one fails the deploy and the old config stays', async () => {
    const app = uniqueName('rd-tpl');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    // Whole server blocks need an admin's consent (snippets: test/security/template-attacks.ts).
    const raw = berth.cli(['nginx:set', app, 'raw-template', 'true']);
    assert.equal(raw.code, 0, raw.stderr);
    const template = [
      'server {',
      '  listen {{ HTTP_LISTEN }};',
      '  server_name {{ SERVER_NAMES }};',
      '  access_log {{ ACCESS_LOG }};',
      '  location / {',
      '    add_header X-Berth-Template {{ APP }} always;',
      '    proxy_pass http://{{ UPSTREAM }};',
      '  }',
      '}',
      '',
    ].join('\n');
    const wt = deploy(app, 'templated', { 'nginx.conf.njk': template });
    const res = await request({ port: berth.routerPort, host: `${app}.localhost` });
    assert.equal(res.text.trim(), 'templated');
    assert.equal(res.headers['x-berth-template'], app);
    const good = confOf(app);

    wt.write('nginx.conf.njk', template.replace('add_header', 'bogus_directive on;\n    add_header'));
    wt.write('www/index.html', 'v2\n');
    wt.commitAll('bad template');
    const bad = wt.push(berth.url, berth.token, app);
    assert.notEqual(bad.code, 0);
    assert.match(bad.output, /unknown directive "bogus_directive"/);
    assert.deepEqual(confOf(app), good);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'templated');

    wt.write('nginx.conf.njk', `${template}# {{ process.exit() }}\n`);
    wt.commitAll('code in template');
    const code = wt.push(berth.url, berth.token, app);
    assert.notEqual(code.code, 0);
    assert.ok(code.output.includes('a "{{" that is not a {{ VAR }} substitution (filters and expressions are not supported).'), code.output);
    assert.deepEqual(confOf(app), good);
    berth.cli(['apps:destroy', app, '--confirm', app]);
  });
});
