import assert from 'node:assert/strict';
import { buildAppView, effectivePorts } from '../../../app/infra/nginx/app-view';
import { resolveOptions, type ResolvedOptions } from '../../../app/infra/nginx/options';
import { NginxTemplates, findTemplatesDir } from '../../../app/infra/nginx/templates';
import { validateRoute, type RouteView } from '../../../app/infra/nginx/validate';
import type { AppRoute } from '../../../app/ports/router';

const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIBszCCAVmgAwIBAgIU\n-----END ${what}-----\n`;
const TLS = { cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') };
const CERTS = { cert: '/tls/shop.crt', key: '/tls/shop.key' };

const opts = (o: Partial<{ listenAddress: string; httpPort: number; httpsPort: number }> = {}): ResolvedOptions => resolveOptions({
  dir: '/tmp/nginx', nginxBin: 'nginx', httpPort: o.httpPort ?? 8080, httpsPort: o.httpsPort ?? 8443, domain: 'berth.test',
  ...(o.listenAddress ? { listenAddress: o.listenAddress } : {}),
});
const route = (r: Partial<AppRoute>): RouteView => validateRoute({ app: 'shop', domains: ['shop.test'], upstreams: [], ...r } as AppRoute, 'berth.test');
const up = (...hosts: string[]) => hosts.map((host) => ({ host, port: 5000 }));

describe('router rendering: which ports an app is served on', () => {
  it('without mappings: http 80 to the upstreams\' port (5000 when none), https 443 added only with TLS', () => {
    assert.deepEqual(effectivePorts(route({ upstreams: [{ host: '10.0.0.2', port: 3000 }] })), [{ scheme: 'http', hostPort: 80, containerPort: 3000 }]);
    assert.deepEqual(effectivePorts(route({})), [{ scheme: 'http', hostPort: 80, containerPort: 5000 }]);
    assert.deepEqual(effectivePorts(route({ upstreams: up('10.0.0.2'), tls: TLS })), [
      { scheme: 'http', hostPort: 80, containerPort: 5000 }, { scheme: 'https', hostPort: 443, containerPort: 5000 }]);
  });
  it('with mappings: https mappings dropped without TLS, no second https added when one is given, only http:80 gets an https twin', () => {
    const ports = [{ scheme: 'http' as const, hostPort: 80, containerPort: 3000 }, { scheme: 'https' as const, hostPort: 443, containerPort: 3001 }];
    assert.deepEqual(effectivePorts(route({ ports })), [ports[0]]);
    assert.deepEqual(effectivePorts(route({ ports, tls: TLS })), ports);
    const http8080 = [{ scheme: 'http' as const, hostPort: 8080, containerPort: 3000 }];
    assert.deepEqual(effectivePorts(route({ ports: http8080, tls: TLS })), http8080);
  });
});

describe('router rendering: the app view', () => {
  it('one upstream group of every container, servers listening on the router ports, no redirect without TLS', () => {
    const v = buildAppView(route({ domains: ['shop.test', 'www.shop.test'], upstreams: up('10.0.0.2', '10.0.0.3', '10.0.0.2') }), opts(), CERTS);
    assert.deepEqual(v, {
      app: 'shop', serverNames: 'shop.test www.shop.test',
      groups: [{ name: 'berth_shop', servers: ['10.0.0.2:5000', '10.0.0.3:5000'] }],
      servers: [{ listen: '8080', ssl: false, redirect: false, redirectSuffix: ':8443', upstream: 'berth_shop' }],
      settings: route({}).settings, tls: null, unbound: [],
    });
  });
  it('no containers: no groups, servers with no upstream (the 502 page)', () => {
    const v = buildAppView(route({}), opts(), CERTS);
    assert.deepEqual(v.groups, []);
    assert.deepEqual(v.servers.map((s) => s.upstream), [null]);
  });
  it('TLS: an ssl server, the plain one redirecting (unless the setting says no), a listen address kept, the cert paths passed', () => {
    const v = buildAppView(route({ upstreams: up('10.0.0.2'), tls: TLS }), opts({ listenAddress: '127.0.0.1' }), CERTS);
    assert.deepEqual(v.servers, [
      { listen: '127.0.0.1:8080', ssl: false, redirect: true, redirectSuffix: ':8443', upstream: 'berth_shop' },
      { listen: '127.0.0.1:8443', ssl: true, redirect: false, redirectSuffix: ':8443', upstream: 'berth_shop' },
    ]);
    assert.deepEqual(v.tls, CERTS);
    const noRedirect = buildAppView(route({ upstreams: up('10.0.0.2'), tls: TLS, settings: { httpsRedirect: false } }), opts(), CERTS);
    assert.deepEqual(noRedirect.servers.map((s) => s.redirect), [false, false]);
    const std = buildAppView(route({ upstreams: up('10.0.0.2'), tls: TLS }), opts({ httpPort: 80, httpsPort: 443 }), CERTS);
    assert.deepEqual(std.servers.map((s) => [s.listen, s.redirectSuffix]), [['80', ''], ['443', '']]);
  });
  it('custom port mappings: one group per container port, on each container\'s address, other host ports listened on as given', () => {
    const v = buildAppView(route({
      upstreams: [{ host: '10.0.0.2', port: 3000 }, { host: '10.0.0.3', port: 3000 }],
      ports: [{ scheme: 'http', hostPort: 80, containerPort: 3000 }, { scheme: 'http', hostPort: 9000, containerPort: 4000 }],
    }), opts(), CERTS);
    assert.deepEqual(v.groups, [
      { name: 'berth_shop_3000', servers: ['10.0.0.2:3000', '10.0.0.3:3000'] },
      { name: 'berth_shop_4000', servers: ['10.0.0.2:4000', '10.0.0.3:4000'] },
    ]);
    assert.deepEqual(v.servers.map((s) => [s.listen, s.upstream]), [['8080', 'berth_shop_3000'], ['9000', 'berth_shop_4000']]);
  });
});

describe('router rendering: the templates', () => {
  const t = new NginxTemplates();

  it('finds its templates from the compiled code', () => {
    assert.match(findTemplatesDir(), /app[/\\]infra[/\\]nginx[/\\]templates$/);
  });

  it('an app with containers: upstream block, server_name, proxy headers, its settings', () => {
    const conf = t.appConf(buildAppView(route({ domains: ['shop.test', 'www.shop.test'], upstreams: up('10.0.0.2', '10.0.0.3'), settings: { clientMaxBodySize: '5m', proxyReadTimeout: '2m' } }), opts(), CERTS));
    assert.match(conf, /upstream berth_shop \{\n {2}server 10\.0\.0\.2:5000 max_fails=1 fail_timeout=5s;\n {2}server 10\.0\.0\.3:5000 max_fails=1 fail_timeout=5s;\n {2}keepalive 32;\n/);
    assert.match(conf, /\n {2}keepalive_timeout 4s;\n\}/);
    assert.match(conf, /listen 8080;\n {2}server_name shop\.test www\.shop\.test;/);
    assert.match(conf, /proxy_pass http:\/\/berth_shop;/);
    assert.match(conf, /proxy_set_header X-Forwarded-For \$remote_addr;/);
    assert.match(conf, /client_max_body_size 5m;\n {2}proxy_read_timeout 2m;\n {2}proxy_send_timeout 60s;\n {2}proxy_connect_timeout 10s;/);
    assert.match(conf, /access_log logs\/shop\.access\.log combined/);
    assert.match(conf, /set \$berth_app shop;/);
    assert.doesNotMatch(conf, /ssl_certificate|return 301|return 502/);
  });

  it('no containers: return 502; access log off when asked', () => {
    const conf = t.appConf(buildAppView(route({ settings: { accessLog: false } }), opts(), CERTS));
    assert.match(conf, /# No running web process\.\n {4}return 502;/);
    assert.doesNotMatch(conf, /shop\.access\.log/);
    // The off switch is the app's own log: berth's request metrics log every request still.
    assert.match(conf, /access_log logs\/berth\.requests\.log berth_requests buffer=64k flush=1s;/);
    assert.doesNotMatch(conf, /upstream |proxy_pass/);
  });

  it('TLS: certificate paths, HSTS when set, the plain server redirects instead of proxying', () => {
    const conf = t.appConf(buildAppView(route({ upstreams: up('10.0.0.2'), tls: TLS, settings: { hstsMaxAge: 31536000 } }), opts(), CERTS));
    assert.match(conf, /listen 8443 ssl http2;/);
    assert.match(conf, /ssl_certificate \/tls\/shop\.crt;\n {2}ssl_certificate_key \/tls\/shop\.key;/);
    assert.match(conf, /add_header Strict-Transport-Security "max-age=31536000" always;/);
    assert.match(conf, /return 301 https:\/\/\$host:8443\$request_uri;/);
    assert.equal(conf.match(/proxy_pass http:\/\/berth_shop;/g)?.length, 1, 'only the TLS server proxies');
    const noHsts = t.appConf(buildAppView(route({ upstreams: up('10.0.0.2'), tls: TLS }), opts(), CERTS));
    assert.doesNotMatch(noHsts, /Strict-Transport-Security/);
  });

  it('an app\'s own template: berth writes the upstream (a down placeholder without containers), then the app\'s text', () => {
    const withUp = t.customAppConf(buildAppView(route({ upstreams: up('10.0.0.2') }), opts(), CERTS), 'server { listen 80; }');
    assert.equal(withUp, '# Generated by berth for app shop from the app\'s nginx.conf.njk.\nupstream berth_shop {\n  server 10.0.0.2:5000 max_fails=1 fail_timeout=5s;\n  keepalive 32;\n  keepalive_timeout 4s;\n}\n\nserver { listen 80; }\n');
    const none = t.customAppConf(buildAppView(route({}), opts(), CERTS), 'server {}\n');
    assert.match(none, /upstream berth_shop \{\n {2}server 127\.0\.0\.1:9 down;\n/);
    assert.ok(none.endsWith('server {}\n'));
  });

  it('the main config listens as default server; the pages exist', () => {
    const main = t.mainConf({ listen: '127.0.0.1:8080', httpsListen: '127.0.0.1:8443' });
    assert.match(main, /listen 127\.0\.0\.1:8080 default_server;/);
    // Passive health checks: a request a dead task refuses goes to the next one (issue 24, swarm node loss).
    assert.match(main, /\n {2}proxy_next_upstream error timeout;\n {2}proxy_next_upstream_tries 3;\n {2}proxy_next_upstream_timeout 10s;\n/);
    assert.match(main, /listen 127\.0\.0\.1:8443 ssl http2 default_server;/);
    const pages = t.pages();
    assert.deepEqual(Object.keys(pages).sort(), ['404.html', '502.html']);
    assert.match(pages['502.html'], /berth_app/);
  });
});
