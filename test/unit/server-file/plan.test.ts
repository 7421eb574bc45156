import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { planChanges, Sealer } from '../../../app/server-file';
import { KEEP, type AppSpec, type CurrentDoc, type OpenDoc } from '../../../app/server-file/document';

/** An app as read from a server where nothing was set on it. */
const freshApp = (over: Partial<AppSpec<string>> = {}): AppSpec<string> => ({
  deployBranch: 'main', builder: 'auto', buildpack: 'auto', restartPolicy: 'unless-stopped',
  build: { dockerfilePath: 'Dockerfile', buildDir: null, buildkit: true, options: '' },
  resources: { memoryMb: null, cpus: null }, checks: { disabled: [], skipped: [] },
  config: {}, ports: [], scale: {}, storage: [], nginx: {}, domains: [], ...over,
});

const SERVER: CurrentDoc = {
  berth: 1,
  settings: { globalDomains: ['apps.example.test'] },
  plugins: { postgres: { enabled: true }, redis: { enabled: true } },
  services: { postgres: { db: { links: { web: 'DATABASE_URL' } } } },
  apps: {
    web: freshApp({ config: { GREETING: 'hello', TOKEN: 't0k3n' }, domains: ['web.example.test'], ports: ['http:80:5000'], scale: { web: 2 }, nginx: { 'client-max-body-size': '20m' } }),
    worker: freshApp({ restartPolicy: 'on-failure:5', resources: { memoryMb: 256, cpus: 0.5 }, checks: { disabled: ['_all_'], skipped: [] } }),
  },
};

const texts = (doc: OpenDoc, current: CurrentDoc) => planChanges(current, doc).map((c) => c.text);

describe('server file: planChanges (the diff apply shows and makes)', () => {
  it('against a fresh server: plugins, services, apps, their settings, domains, then links, in that order', () => {
    const empty: CurrentDoc = { berth: 1, settings: { globalDomains: [] }, plugins: { postgres: { enabled: true }, redis: { enabled: false } }, services: {}, apps: {} };
    assert.deepEqual(texts(SERVER, empty), [
      '~ plugin redis: enabled',
      '~ settings globalDomains: +apps.example.test',
      '+ postgres service db',
      '+ app web',
      '+ app worker',
      '~ app web config: +GREETING +TOKEN',
      '~ app web ports: http:80:5000',
      '~ app web nginx: client-max-body-size=20m',
      '~ app web scale: web=2',
      '~ app worker restartPolicy: unless-stopped → on-failure:5',
      '~ app worker resources: memory 256m, cpus 0.5',
      '~ app worker checks: disabled _all_, skipped none',
      '~ app web domains: +web.example.test',
      '+ postgres service db linked to web as DATABASE_URL',
    ]);
  });

  it('the file of a server against that server: nothing to change (a second apply changes nothing)', () => {
    assert.deepEqual(planChanges(SERVER, SERVER), []);
  });

  it('the actions carry what the verbs take: config values (never in the shown text), scale, domains', () => {
    const actions = planChanges({ ...SERVER, apps: {} }, SERVER).map((c) => c.action);
    assert.deepEqual(actions.find((a) => a.kind === 'app.config'), { kind: 'app.config', app: 'web', set: { GREETING: 'hello', TOKEN: 't0k3n' }, unset: [] });
    assert.ok(planChanges({ ...SERVER, apps: {} }, SERVER).every((c) => !c.text.includes('t0k3n') && !c.text.includes('hello')));
  });

  it('a present part is converged exactly: config keys and domains the file lacks are removed; an absent part is left alone', () => {
    const file: OpenDoc = { berth: 1, settings: { globalDomains: [] }, apps: { web: { config: { GREETING: 'hi' }, nginx: {}, domains: ['new.example.test'] }, worker: {} } };
    assert.deepEqual(texts(file, SERVER), [
      '~ settings globalDomains: -apps.example.test',
      '~ app web config: ~GREETING -TOKEN',
      '~ app web nginx: -client-max-body-size',
      '~ app web domains: +new.example.test -web.example.test',
    ]);
  });

  it('{ keep: true } keeps the server\'s value, and is refused where the server has none', () => {
    const keep: OpenDoc = { berth: 1, apps: { web: { config: { GREETING: 'hello', TOKEN: KEEP } } } };
    assert.deepEqual(texts(keep, SERVER), []);
    const missing: OpenDoc = { berth: 1, apps: { worker: { config: { TOKEN: KEEP } } } };
    assert.throws(() => planChanges(SERVER, missing), (e: unknown) => e instanceof BerthError && e.code === 'SERVER_FILE_SECRET_MISSING'
      && e.message === 'apps.worker.config.TOKEN is { keep: true }, but worker has no TOKEN here to keep: export with a passphrase (or set it: berth config:set worker TOKEN=…).');
  });

  it('a link whose alias changes is unlinked first, then linked (links come last, after both ends exist)', () => {
    const file: OpenDoc = { berth: 1, services: { postgres: { db: { links: { web: 'PG_URL', worker: 'DATABASE_URL' } } } } };
    assert.deepEqual(texts(file, SERVER), [
      '- postgres service db link to web (DATABASE_URL)',
      '+ postgres service db linked to web as PG_URL',
      '+ postgres service db linked to worker as DATABASE_URL',
    ]);
  });

  it('storage: a mount not in the file is unmounted before new ones are mounted', () => {
    const current: CurrentDoc = { berth: 1, apps: { web: freshApp({ storage: [{ volume: 'old', path: '/data' }] }) } };
    const file: OpenDoc = { berth: 1, apps: { web: { storage: [{ folder: 'uploads', path: '/data' }] } } };
    assert.deepEqual(texts(file, current), ['- app web storage volume old:/data', '+ app web storage folder uploads:/data']);
  });
});

describe('server file: sealed secrets', () => {
  const passphrase = 'correct horse battery';
  it('a value sealed with a passphrase opens with it, and only with it', () => {
    const sealer = Sealer.create(passphrase);
    const sealed = sealer.seal('s3cret value\nwith a newline');
    assert.ok(!sealed.includes('s3cret'));
    assert.equal(Sealer.open(passphrase, sealer.salt).unseal(sealed, 'apps.web.config.A'), 's3cret value\nwith a newline');
    assert.throws(() => Sealer.open('wrong horse battery', sealer.salt).unseal(sealed, 'apps.web.config.A'),
      (e: unknown) => e instanceof BerthError && e.code === 'SERVER_FILE_PASSPHRASE' && e.message === 'apps.web.config.A does not open with this passphrase (a wrong passphrase, or the value was edited).');
  });

  it('an edited value is refused (GCM tag), and a short passphrase is refused', () => {
    const sealer = Sealer.create(passphrase);
    const [v, nonce, tag, body] = sealer.seal('abc').split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    assert.throws(() => sealer.unseal([v, nonce, tag, flipped.toString('base64url')].join('.'), 'x'), (e: unknown) => (e as BerthError).code === 'SERVER_FILE_PASSPHRASE');
    assert.throws(() => Sealer.create('short'), (e: unknown) => (e as BerthError).code === 'SERVER_FILE_PASSPHRASE');
  });
});
