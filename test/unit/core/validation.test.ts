import assert from 'node:assert/strict';
import { assertAppName } from '../../../app/apps/app-name';
import { assertConfigKey, assertConfigValue } from '../../../app/config-vars/config-key';
import { normalizeHostname, normalizeHostnames } from '../../../app/domains/hostname';
import {
  isValidHostname, resolveSettings, validateAppName, validateBodySize, validateDuration, validateHostname,
  validateIPv4, validatePort, validatePorts, validateRoute, validateTls,
} from '../../../app/infra/nginx/validate';

/** The error code and message a call throws, or 'none'. */
function thrown(fn: () => unknown): { code: string; message: string } {
  try { fn(); } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
}
const code = (fn: () => unknown): string => thrown(fn).code;

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n';

describe('naming: app names', () => {
  it('accepts 1–63 lowercase letters, digits and dashes starting with a letter and not ending with a dash', () => {
    for (const ok of ['a', 'my-app', 'a1', `a${'b'.repeat(62)}`, 'x-1-y']) assert.equal(code(() => assertAppName(ok)), 'none', ok);
  });
  it('refuses everything else with INVALID_APP_NAME, quoting at most 80 characters', () => {
    for (const bad of ['', '1app', '-a', 'a-', 'A', 'my_app', 'my.app', 'a b', `a${'b'.repeat(63)}`, 'ä', 'a\n', 42, null, undefined, ['a']]) {
      assert.equal(code(() => assertAppName(bad)), 'INVALID_APP_NAME', JSON.stringify(bad));
    }
    const m = thrown(() => assertAppName('X'.repeat(200))).message;
    assert.ok(m.startsWith(`"${'X'.repeat(80)}" is not a valid app name`), m);
  });
});

describe('naming: config keys and values', () => {
  it('keys: letters, digits, underscores, not starting with a digit, at most 256', () => {
    for (const ok of ['A', '_', 'DATABASE_URL', 'a1', `A${'B'.repeat(255)}`]) assert.equal(code(() => assertConfigKey(ok)), 'none', ok);
    for (const bad of ['', '1A', 'A-B', 'A B', 'A=B', `A${'B'.repeat(256)}`, 'É', 'A\n', 7, null]) {
      assert.equal(code(() => assertConfigKey(bad)), 'INVALID_CONFIG_KEY', JSON.stringify(bad));
    }
    const m = thrown(() => assertConfigKey('1'.repeat(100))).message;
    assert.ok(m.startsWith(`"${'1'.repeat(80)}" is not a valid config key`), m);
  });
  it('values: any text but NUL, at most 32 KiB', () => {
    for (const ok of ['', 'x y', 'ü\n"$', 'v'.repeat(32768)]) assert.equal(code(() => assertConfigValue('K', ok)), 'none');
    for (const bad of ['a\0b', 'v'.repeat(32769), 5, null, undefined, { a: 1 }]) {
      assert.equal(code(() => assertConfigValue('K', bad)), 'INVALID_INPUT', JSON.stringify(bad)?.slice(0, 20));
    }
    assert.match(thrown(() => assertConfigValue('MY_KEY', 5)).message, /^The value of MY_KEY must be text/);
  });
});

describe('naming: hostnames (domains:add)', () => {
  it('lowercases, drops one trailing dot, keeps a leading "*."', () => {
    assert.equal(normalizeHostname('WWW.Example.TEST.'), 'www.example.test');
    assert.equal(normalizeHostname('*.Example.test'), '*.example.test');
    assert.equal(normalizeHostname('a'), 'a');
    assert.equal(normalizeHostname(`${'a'.repeat(63)}.b`), `${'a'.repeat(63)}.b`);
  });
  it('refuses non-text, empty, too long, bad labels, with a message naming the label', () => {
    assert.equal(thrown(() => normalizeHostname(5)).message, 'A domain must be text, not 5.');
    assert.match(thrown(() => normalizeHostname('')).message, /1 to 253 characters/);
    assert.match(thrown(() => normalizeHostname('.')).message, /1 to 253 characters/);
    const long = `${'a'.repeat(60)}.`.repeat(4) + 'abcdefghijklm'; // 257 characters
    assert.match(thrown(() => normalizeHostname(long)).message, /1 to 253 characters/);
    assert.equal(code(() => normalizeHostname(`${'a.'.repeat(126)}a`)), 'none', 'exactly 253 characters');
    assert.match(thrown(() => normalizeHostname('a..b')).message, /empty label \("\.\." or a leading dot\)/);
    assert.match(thrown(() => normalizeHostname('a.-b.c')).message, /label "-b"/);
    assert.match(thrown(() => normalizeHostname('a.b-.c')).message, /label "b-"/);
    assert.match(thrown(() => normalizeHostname(`${'a'.repeat(64)}.b`)).message, /label "a{64}"/);
    for (const bad of ['a b', 'a;b', 'a_b', 'a.*.b', '**.a', '*', 'a\n']) assert.equal(code(() => normalizeHostname(bad)), 'INVALID_DOMAIN', bad);
  });
  it('lists: at least one, at most 100, duplicates dropped after normalising', () => {
    assert.deepEqual(normalizeHostnames(['A.test', 'a.test.', 'b.test']), ['a.test', 'b.test']);
    assert.equal(normalizeHostnames(Array.from({ length: 100 }, (_, i) => `d${i}.test`)).length, 100);
    assert.match(thrown(() => normalizeHostnames([])).message, /Give at least one domain/);
    assert.match(thrown(() => normalizeHostnames('a.test')).message, /Give at least one domain/);
    assert.match(thrown(() => normalizeHostnames(Array.from({ length: 101 }, (_, i) => `d${i}.test`))).message, /At most 100 domains/);
    assert.equal(code(() => normalizeHostnames(['ok.test', 'bad host'])), 'INVALID_DOMAIN');
  });
});

describe('router input checks (app/infra/nginx/validate.ts)', () => {
  it('app names, hostnames, ports, IPv4 addresses', () => {
    assert.equal(validateAppName('a-1'), 'a-1');
    for (const bad of ['A', '1a', '', 'a b', 'a;', 5]) assert.equal(code(() => validateAppName(bad)), 'INVALID_INPUT', String(bad));
    assert.match(thrown(() => validateAppName('A')).message, /^Invalid app name "A"/);
    assert.equal(isValidHostname('a.b'), true);
    assert.equal(isValidHostname('*.a.b'), true);
    assert.equal(isValidHostname(''), false);
    assert.equal(isValidHostname(`${'a.'.repeat(126)}a`), true);
    assert.equal(isValidHostname(`${'a.'.repeat(126)}ab`), false);
    assert.equal(isValidHostname('a..b'), false);
    assert.equal(isValidHostname('-a'), false);
    assert.equal(validateHostname('x.test'), 'x.test');
    assert.match(thrown(() => validateHostname('a b')).message, /^Invalid hostname "a b"/);
    assert.equal(code(() => validateHostname(7)), 'INVALID_INPUT');
    assert.equal(validatePort(1), 1);
    assert.equal(validatePort(65535), 65535);
    for (const bad of [0, 65536, 1.5, '80', -1, NaN]) assert.equal(code(() => validatePort(bad)), 'INVALID_INPUT', String(bad));
    assert.match(thrown(() => validatePort(0, 'host port')).message, /^Invalid host port 0: an integer from 1 to 65535/);
    assert.match(thrown(() => validatePort(0)).message, /^Invalid port 0/);
    assert.equal(validateIPv4('10.0.0.1'), '10.0.0.1');
    for (const bad of ['010.0.0.1', '256.0.0.1', '::1', 'host', '1.2.3', 1]) assert.equal(code(() => validateIPv4(bad)), 'INVALID_INPUT', String(bad));
    assert.match(thrown(() => validateIPv4('x')).message, /^Invalid upstream host "x"/);
    assert.match(thrown(() => validateIPv4('x', 'listenAddress')).message, /^Invalid listenAddress "x"/);
  });

  it('body sizes and durations', () => {
    for (const ok of ['0', '1', '100m', '999999k', '5g']) assert.equal(validateBodySize(ok), ok);
    for (const bad of ['', '01', '1t', '1000000', '1 m', '1m;', 10]) assert.equal(code(() => validateBodySize(bad)), 'INVALID_INPUT', String(bad));
    assert.match(thrown(() => validateBodySize('x')).message, /^Invalid client_max_body_size "x"/);
    for (const ok of ['1', '60s', '500ms', '2m', '1h', '999999s']) assert.equal(validateDuration(ok, 'd'), ok);
    for (const bad of ['0', '0s', '1d', '', '1000000s', '1 s', 5]) assert.equal(code(() => validateDuration(bad, 'd')), 'INVALID_INPUT', String(bad));
    assert.match(thrown(() => validateDuration('x', 'proxy_read_timeout')).message, /^Invalid proxy_read_timeout "x"/);
  });

  it('port mappings: http anywhere, https only on 443, no host port twice for different targets', () => {
    assert.deepEqual(validatePorts(undefined), []);
    assert.deepEqual(validatePorts(null), []);
    assert.deepEqual(validatePorts([{ scheme: 'http', hostPort: 80, containerPort: 5000, extra: 1 }]), [{ scheme: 'http', hostPort: 80, containerPort: 5000 }]);
    assert.deepEqual(validatePorts([{ scheme: 'https', hostPort: 443, containerPort: 5000 }, { scheme: 'http', hostPort: 8080, containerPort: 3000 }]),
      [{ scheme: 'https', hostPort: 443, containerPort: 5000 }, { scheme: 'http', hostPort: 8080, containerPort: 3000 }]);
    // The same mapping twice is harmless; the same host port to two targets is not.
    assert.equal(validatePorts([{ scheme: 'http', hostPort: 80, containerPort: 1 }, { scheme: 'http', hostPort: 80, containerPort: 1 }]).length, 2);
    assert.match(thrown(() => validatePorts([{ scheme: 'http', hostPort: 80, containerPort: 1 }, { scheme: 'http', hostPort: 80, containerPort: 2 }])).message, /Host port 80 is mapped twice/);
    assert.match(thrown(() => validatePorts('http:80:5000')).message, /must be an array/);
    assert.match(thrown(() => validatePorts([null])).message, /scheme http or https/);
    assert.match(thrown(() => validatePorts([{ scheme: 'udp', hostPort: 53, containerPort: 53 }])).message, /scheme http or https/);
    assert.match(thrown(() => validatePorts([{ scheme: 'https', hostPort: 8443, containerPort: 5000 }])).message, /https mappings listen on 443/);
    assert.match(thrown(() => validatePorts([{ scheme: 'http', hostPort: 0, containerPort: 5000 }])).message, /^Invalid host port 0/);
    assert.match(thrown(() => validatePorts([{ scheme: 'http', hostPort: 80, containerPort: 70000 }])).message, /^Invalid container port 70000/);
  });

  it('settings: defaults, and every field checked', () => {
    assert.deepEqual(resolveSettings(undefined, { clientMaxBodySize: '7m' }), {
      clientMaxBodySize: '7m', proxyReadTimeout: '60s', proxySendTimeout: '60s', proxyConnectTimeout: '10s',
      httpsRedirect: true, hstsMaxAge: 0, accessLog: true, rawTemplate: false,
    });
    assert.deepEqual(resolveSettings({
      clientMaxBodySize: '1g', proxyReadTimeout: '5m', proxySendTimeout: '6m', proxyConnectTimeout: '7s',
      httpsRedirect: false, hstsMaxAge: 100_000_000, accessLog: false, rawTemplate: true,
    }, { clientMaxBodySize: '7m' }), {
      clientMaxBodySize: '1g', proxyReadTimeout: '5m', proxySendTimeout: '6m', proxyConnectTimeout: '7s',
      httpsRedirect: false, hstsMaxAge: 100_000_000, accessLog: false, rawTemplate: true,
    });
    assert.equal(resolveSettings(null as never, { clientMaxBodySize: '1m' }).clientMaxBodySize, '1m', 'null means the defaults');
    assert.match(thrown(() => resolveSettings('x' as never, { clientMaxBodySize: '1m' })).message, /route.settings must be an object/);
    for (const name of ['httpsRedirect', 'accessLog', 'rawTemplate']) {
      assert.equal(thrown(() => resolveSettings({ [name]: 'yes' } as never, { clientMaxBodySize: '1m' })).message, `route.settings.${name} must be true or false.`);
    }
    for (const hsts of [-1, 1.5, 100_000_001, '1']) {
      assert.match(thrown(() => resolveSettings({ hstsMaxAge: hsts } as never, { clientMaxBodySize: '1m' })).message, /^Invalid HSTS max-age/);
    }
    assert.match(thrown(() => resolveSettings({ proxyReadTimeout: 'x' } as never, { clientMaxBodySize: '1m' })).message, /proxy_read_timeout/);
    assert.match(thrown(() => resolveSettings({ proxySendTimeout: 'x' } as never, { clientMaxBodySize: '1m' })).message, /proxy_send_timeout/);
    assert.match(thrown(() => resolveSettings({ proxyConnectTimeout: 'x' } as never, { clientMaxBodySize: '1m' })).message, /proxy_connect_timeout/);
  });

  it('TLS: PEM text only, at most 1 MB', () => {
    assert.equal(validateTls(undefined), null);
    assert.equal(validateTls(null), null);
    assert.deepEqual(validateTls({ cert: PEM_CERT, key: PEM_KEY }), { cert: PEM_CERT, key: PEM_KEY });
    assert.equal(thrown(() => validateTls({ cert: 'server {}', key: PEM_KEY })).message, 'route.tls.cert must be PEM text.');
    assert.equal(thrown(() => validateTls({ cert: PEM_CERT, key: 5 })).message, 'route.tls.key must be PEM text.');
    assert.equal(thrown(() => validateTls({ cert: `${PEM_CERT}; evil`, key: PEM_KEY })).message, 'route.tls.cert must be PEM text.');
    const huge = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(1_000_000)}\n-----END CERTIFICATE-----\n`;
    assert.equal(thrown(() => validateTls({ cert: huge, key: PEM_KEY })).message, 'route.tls.cert must be PEM text.');
  });

  it('a whole route: the default domain when none is given, duplicates dropped, upstreams checked', () => {
    const v = validateRoute({ app: 'shop', domains: [], upstreams: [{ host: '10.0.0.2', port: 5000 }] }, 'berth.test');
    assert.deepEqual(v, {
      app: 'shop', domains: ['shop.berth.test'], upstreams: [{ host: '10.0.0.2', port: 5000 }], ports: [],
      settings: resolveSettings(undefined, { clientMaxBodySize: '100m' }), tls: null, template: null,
    });
    const w = validateRoute({ app: 'shop', domains: ['a.test', 'a.test', 'b.test'], upstreams: [], template: 'x' }, 'berth.test', { clientMaxBodySize: '5m' });
    assert.deepEqual(w.domains, ['a.test', 'b.test']);
    assert.equal(w.template, 'x');
    assert.equal(w.settings.clientMaxBodySize, '5m');
    const bad = (route: unknown) => thrown(() => validateRoute(route as never, 'berth.test')).message;
    assert.equal(bad(null), 'A route must be an object.');
    assert.equal(bad('x'), 'A route must be an object.');
    assert.match(bad({ app: 'A', domains: [], upstreams: [] }), /^Invalid app name/);
    assert.equal(bad({ app: 'a', domains: 'a.test', upstreams: [] }), 'route.domains must be an array of hostnames.');
    assert.equal(bad({ app: 'a', domains: [], upstreams: {} }), 'route.upstreams must be an array of {host, port}.');
    assert.equal(bad({ app: 'a', domains: [], upstreams: [null] }), 'Each upstream must be {host, port}.');
    assert.equal(bad({ app: 'a', domains: [], upstreams: ['10.0.0.1:80'] }), 'Each upstream must be {host, port}.');
    assert.match(bad({ app: 'a', domains: [], upstreams: [{ host: '10.0.0.1', port: 0 }] }), /^Invalid upstream port 0/);
    assert.match(bad({ app: 'a', domains: ['x y'], upstreams: [] }), /^Invalid hostname/);
    assert.equal(bad({ app: 'a', domains: [], upstreams: [], template: 5 }), 'route.template must be text.');
  });
});
