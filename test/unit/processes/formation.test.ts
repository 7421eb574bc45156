import assert from 'node:assert/strict';
import { parseCpus, parseMemory, parseScaleWords, validateRestartPolicy, validateScale } from '../../../app/processes';
import { parseMountSpec } from '../../../app/storage';
import type { ReleaseRecord } from '../../../app/ports/store';

const code = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as { code: string }).code; }
  return 'no error';
};

const release = { app: 'shop', version: 3, processes: { web: 'a', worker: 'b', release: 'c' } } as unknown as ReleaseRecord;

describe('process formation', () => {
  it('accepts known types with counts 0–50', () => {
    assert.deepEqual(validateScale(release, { web: 3, worker: 0 }), { web: 3, worker: 0 });
    assert.deepEqual(validateScale(release, { web: 50 }), { web: 50 });
  });

  it('refuses unknown types (release is no running type), bad counts and empty scales', () => {
    for (const bad of [{ nope: 1 }, { release: 1 }, { web: 51 }, { web: -1 }, { web: 1.5 }, { web: '2' }, {}]) {
      assert.equal(code(() => validateScale(release, bad)), 'INVALID_SCALE', JSON.stringify(bad));
    }
  });

  it('caps the app\'s containers in all at 100, counting the scale in force for types not named (a Procfile of many types x 50 each)', () => {
    const many = { app: 'shop', version: 4, processes: { web: 'a', a: 'b', b: 'c', c: 'd' } } as unknown as ReleaseRecord;
    assert.deepEqual(validateScale(many, { a: 50, b: 50 }, { web: 0, a: 0, b: 0, c: 0 }), { a: 50, b: 50 });
    assert.throws(() => validateScale(many, { a: 50, b: 50 }, { web: 1, a: 0, b: 0, c: 0 }), (e: Error & { code?: string }) => e.code === 'INVALID_SCALE'
      && e.message === 'That makes 101 containers of shop in all; berth runs at most 100 per app: scale other process types down first.');
    assert.throws(() => validateScale(many, { c: 1 }, { web: 50, a: 50, b: 0, c: 0 }), /That makes 101 containers of shop in all/);
  });

  it('refuses more than 1 container of a compose service that holds named volumes (they would share one data volume); other types scale', () => {
    const compose = { file: 'compose.yaml', order: ['web', 'db'], webPort: 80, build: null, services: {
      web: { name: 'web', type: 'web', volumes: [] }, db: { name: 'db', type: 'db', volumes: [{ volume: 'data', target: '/data' }] } } };
    const rel = { app: 'shop', version: 5, processes: { web: 'a', db: 'b' }, manifest: { compose } } as unknown as ReleaseRecord;
    assert.deepEqual(validateScale(rel, { web: 3, db: 1 }), { web: 3, db: 1 });
    assert.deepEqual(validateScale(rel, { db: 0 }), { db: 0 });
    assert.throws(() => validateScale(rel, { db: 2 }), (e: Error & { code?: string }) => e.code === 'INVALID_SCALE'
      && e.message === 'db of shop holds named compose volumes: 2 containers would share one data volume. Keep it at 1 (or 0).');
  });

  it('parses CLI words type=count', () => {
    assert.deepEqual(parseScaleWords(['web=3', 'worker=1']), { web: 3, worker: 1 });
    for (const bad of ['web', 'web=', 'Web=1', 'web=x', '=1']) assert.equal(code(() => parseScaleWords([bad])), 'INVALID_SCALE', bad);
  });

  it('validates restart policies', () => {
    for (const ok of ['no', 'always', 'unless-stopped', 'on-failure', 'on-failure:5', 'on-failure:1000']) assert.equal(validateRestartPolicy(ok), ok);
    for (const bad of ['sometimes', 'on-failure:', 'on-failure:0', 'on-failure:1001', 'on-failure:x', '', 5]) {
      assert.equal(code(() => validateRestartPolicy(bad)), 'INVALID_RESTART_POLICY', String(bad));
    }
  });

  it('parses memory and CPU limits; 0 clears them', () => {
    assert.equal(parseMemory('512m'), 512);
    assert.equal(parseMemory('2g'), 2048);
    assert.equal(parseMemory('256'), 256);
    assert.equal(parseMemory('0'), null);
    assert.equal(parseCpus('0.5'), 0.5);
    assert.equal(parseCpus('none'), null);
    for (const bad of ['lots', '1k', '-5m', '2m']) assert.equal(code(() => parseMemory(bad)), 'INVALID_RESOURCE_LIMIT', bad);
    for (const bad of ['half', '-1', '0.001', '1e3']) assert.equal(code(() => parseCpus(bad)), 'INVALID_RESOURCE_LIMIT', bad);
    // --cpu 999 was stored, and every later container start failed: more than the host has is refused now.
    assert.equal(parseCpus('2', 2), 2);
    assert.throws(() => parseCpus('999', 2), { code: 'INVALID_RESOURCE_LIMIT', message: 'CPU "999" is more than this host has (2); give at most 2.' });
    assert.equal(code(() => parseCpus('2.5', 2)), 'INVALID_RESOURCE_LIMIT');
  });
});

describe('storage mount specs', () => {
  const o = { appId: '0a1b2c3d4e5f', storageDir: '/var/lib/berth/storage' };

  it('maps names to berth-app-<app id>-<name> volumes and keeps host paths under the app\'s storage folder (by id)', () => {
    assert.deepEqual(parseMountSpec('data:/data', o), { kind: 'volume', source: 'berth-app-0a1b2c3d4e5f-data', target: '/data' });
    assert.deepEqual(parseMountSpec('/var/lib/berth/storage/0a1b2c3d4e5f/up:/app/uploads', o),
      { kind: 'host', source: '/var/lib/berth/storage/0a1b2c3d4e5f/up', target: '/app/uploads' });
  });

  it('refuses other host paths, escapes, relative or system targets', () => {
    for (const bad of ['/etc:/etc', '/var/lib/berth/storage/0a1b2c3d4e5f/../other:/x', '/var/lib/berth/storage/0a1b2c3d4e5f0:/x',
      '/var/lib/berth/storage/shop/up:/x',
      'data:rel', 'data:/', 'data:/proc', 'data:/sys/x', 'data:/a/../b', 'a:b:c', 'Data:/x', ':/x', 'data:']) {
      assert.equal(code(() => parseMountSpec(bad, o)), 'INVALID_STORAGE_MOUNT', bad);
    }
  });
});
