import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { parseServerFile, MAX_FILE_BYTES } from '../../../app/server-file';

const refused = (text: string): { code: string; message: string } => {
  try {
    parseServerFile(text);
  } catch (e) {
    assert.ok(e instanceof BerthError, String(e));
    return { code: e.code, message: e.message };
  }
  throw new Error('parseServerFile accepted the file');
};

describe('server file: parseServerFile', () => {
  it('reads every part of an export', () => {
    const doc = parseServerFile([
      'berth: 1',
      'secrets: { kdf: scrypt, salt: abc }',
      'settings: { globalDomains: [apps.example.test] }',
      'plugins: { postgres: { enabled: true } }',
      'services:',
      '  postgres:',
      '    db: { links: { web: DATABASE_URL } }',
      'apps:',
      '  web:',
      '    deployBranch: main',
      '    build: { dockerfilePath: Dockerfile, buildDir: null, buildkit: true, options: "" }',
      '    resources: { memoryMb: 512, cpus: null }',
      '    checks: { disabled: [worker], skipped: [] }',
      '    config: { A: plain, B: { encrypted: v1.x.y.z }, C: { keep: true }, PORTISH: 5000 }',
      '    ports: [ "http:80:5000" ]',
      '    scale: { web: 2 }',
      '    storage: [ { volume: data, path: /data } ]',
      '    nginx: { client-max-body-size: 20m }',
      '    domains: [ web.example.test ]',
      '  bare:',
    ].join('\n'));
    assert.deepEqual(JSON.parse(JSON.stringify(doc)), {
      berth: 1,
      secrets: { kdf: 'scrypt', salt: 'abc' },
      settings: { globalDomains: ['apps.example.test'] },
      plugins: { postgres: { enabled: true } },
      services: { postgres: { db: { links: { web: 'DATABASE_URL' } } } },
      apps: {
        web: {
          deployBranch: 'main',
          build: { dockerfilePath: 'Dockerfile', buildDir: null, buildkit: true, options: '' },
          resources: { memoryMb: 512, cpus: null },
          checks: { disabled: ['worker'], skipped: [] },
          config: { A: 'plain', B: { encrypted: 'v1.x.y.z' }, C: { keep: true }, PORTISH: '5000' },
          ports: ['http:80:5000'],
          scale: { web: 2 },
          storage: [{ volume: 'data', path: '/data' }],
          nginx: { 'client-max-body-size': '20m' },
          domains: ['web.example.test'],
        },
        bare: {},
      },
    });
  });

  it('refuses an unknown key, naming its path and the keys that are allowed there', () => {
    assert.deepEqual(refused('berth: 1\napps:\n  web:\n    scal: { web: 2 }\n'), {
      code: 'SERVER_FILE_INVALID',
      message: 'apps.web.scal: unknown key (apps.web takes deployBranch, builder, buildpack, build, restartPolicy, resources, checks, config, ports, scale, storage, nginx, domains)',
    });
    assert.deepEqual(refused('berth: 1\nusers: {}\n'), { code: 'SERVER_FILE_INVALID', message: 'berth.yaml.users: unknown key (berth.yaml takes berth, secrets, settings, plugins, services, apps)' });
    assert.deepEqual(refused('berth: 1\napps: { web: { storage: [ { volume: a, path: /a, source: /etc } ] } }\n').message,
      'apps.web.storage[0].source: unknown key (apps.web.storage[0] takes volume, folder, path)');
    assert.deepEqual(refused('berth: 1\nplugins: { x: { enabled: true, source: /tmp/evil } }\n').message, 'plugins.x.source: unknown key (plugins.x takes enabled)');
  });

  it('refuses a wrong type with its path', () => {
    assert.equal(refused('berth: 1\napps: { web: { scale: { web: two } } }\n').message, 'apps.web.scale.web: must be a number; got "two"');
    assert.equal(refused('berth: 1\napps: { web: { domains: a.example.test } }\n').message, 'apps.web.domains: must be a list; got "a.example.test"');
    assert.equal(refused('berth: 1\napps: { web: { config: { A: { encrypted: x, keep: true } } } }\n').message, 'apps.web.config.A: must be a string, { encrypted: … } or { keep: true }');
    assert.equal(refused('apps: {}\n').message, 'berth: must be 1 (the format version this berth reads); got undefined');
  });

  it('refuses a YAML bomb (nested aliases) before expanding it', () => {
    const bomb = ['berth: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]'].join('\n');
    assert.deepEqual(refused(bomb), { code: 'SERVER_FILE_INVALID', message: 'berth.yaml: 45 aliases (*name); a server file may use at most 20' });
  });

  it('refuses many aliases of one anchor (more than 20)', () => {
    const text = `berth: 1\napps:\n  a0: &x {}\n${Array.from({ length: 21 }, (_, i) => `  a${i + 1}: *x`).join('\n')}\n`;
    assert.deepEqual(refused(text), { code: 'SERVER_FILE_INVALID', message: 'berth.yaml: 21 aliases (*name); a server file may use at most 20' });
  });

  it('refuses a file over the size limit, tags, duplicate keys and bad YAML', () => {
    assert.equal(refused(`berth: 1\n#${'x'.repeat(MAX_FILE_BYTES)}\n`).message, `berth.yaml: larger than ${MAX_FILE_BYTES} bytes`);
    assert.match(refused('berth: 1\napps: !!js/function "x"\n').message, /^berth\.yaml: not valid YAML \(/);
    assert.match(refused('berth: 1\napps: {}\napps: {}\n').message, /^berth\.yaml: not valid YAML \(Map keys must be unique/);
    assert.match(refused('berth: 1\napps: [\n').message, /^berth\.yaml: not valid YAML \(/);
  });

  it('an app named __proto__ is a name like any other (refused later by the apps service), never the prototype', () => {
    const doc = parseServerFile('berth: 1\napps:\n  __proto__: { domains: [x.example.test] }\n');
    assert.deepEqual(Object.keys(doc.apps!), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).domains, undefined);
  });
});
