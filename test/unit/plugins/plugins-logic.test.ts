import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HookRegistry, planLoad } from '../../../app/plugins';
import { findVerb, GROUPS } from '../../../app/cli';
import { defaultUrl } from '../../../app/services-kit';

function folder(root: string, name: string, manifest: object | string): { dir: string; origin: 'path' } {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return { dir, origin: 'path' };
}

describe('plugin loading plan', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-plan-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const m = (id: string, more: object = {}) => ({ id, version: '1.2.0', berth: '^0.1', ...more });

  it('orders dependencies first and refuses bad, incompatible, duplicate and dependent-on-missing plugins', () => {
    const found = [
      folder(root, 'c', m('c', { dependencies: { b: '^1.1' } })),
      folder(root, 'b', m('b', { dependencies: { a: '1.x' } })),
      folder(root, 'a', m('a')),
      folder(root, 'a2', m('a')),
      folder(root, 'bad', '{"id": 3}'),
      folder(root, 'old', m('old', { berth: '<0.1' })),
      folder(root, 'lost', m('lost', { dependencies: { nowhere: '*' } })),
      folder(root, 'wants-new-a', m('wants-new-a', { dependencies: { a: '>=2' } })),
      folder(root, 'off', m('off')),
      folder(root, 'needs-off', m('needs-off', { dependencies: { off: '^1' } })),
      folder(root, 'x', m('x', { dependencies: { y: '^1' } })),
      folder(root, 'y', m('y', { dependencies: { x: '^1' } })),
    ];
    const plan = planLoad({ found, berthVersion: '0.1.0', isEnabled: (id) => id !== 'off' });
    assert.deepEqual(plan.load.map((p) => [p.manifest.id, p.level]), [['a', 0], ['b', 1], ['c', 2]]);
    assert.deepEqual(plan.disabled.map((d) => d.manifest.id), ['off']);
    const codes = Object.fromEntries(plan.refused.map((r) => [path.basename(r.dir), r.code]));
    assert.deepEqual(codes, {
      a2: 'PLUGIN_DUPLICATE', bad: 'PLUGIN_INVALID_MANIFEST', old: 'PLUGIN_INCOMPATIBLE', lost: 'PLUGIN_DEPENDENCY_MISSING',
      'wants-new-a': 'PLUGIN_DEPENDENCY_MISSING', 'needs-off': 'PLUGIN_DEPENDENCY_MISSING', x: 'PLUGIN_DEPENDENCY_MISSING', y: 'PLUGIN_DEPENDENCY_MISSING',
    });
    assert.match(plan.refused.find((r) => r.id === 'needs-off')!.message, /needs plugin off \^1, which is disabled/);
    assert.match(plan.refused.find((r) => r.id === 'wants-new-a')!.message, /needs plugin a >=2, and a is 1\.2\.0/);
  });
});

describe('hook registry', () => {
  it('runs dependencies first, then by order, then by id; a throw names the plugin', async () => {
    const enabled = new Set(['base', 'zeta', 'alpha', 'dependent', 'off']);
    enabled.delete('off');
    const hooks = new HookRegistry((id) => enabled.has(id));
    const ran: string[] = [];
    const add = (plugin: string, level: number, order?: number) => hooks.add({ plugin, level, hook: 'deploy:after', order, handler: () => { ran.push(plugin); } });
    add('dependent', 1, 1);
    add('zeta', 0);
    add('alpha', 0);
    add('base', 0, 5);
    add('off', 0, 0);
    const payload = { app: 'a', release: {} as never, log: () => undefined };
    await hooks.run('deploy:after', payload);
    assert.deepEqual(ran, ['base', 'alpha', 'zeta', 'dependent']);
    hooks.add({ plugin: 'alpha', level: 0, hook: 'deploy:before', handler: () => { throw new Error('nope'); } });
    await assert.rejects(hooks.run('deploy:before', payload), /PLUGIN_HOOK_FAILED|plugin alpha: its deploy:before hook failed: nope/);
    hooks.add({ plugin: 'alpha', level: 0, hook: 'release:env', handler: () => ({ A: '1', B: '1' }) });
    hooks.add({ plugin: 'zeta', level: 0, hook: 'release:env', handler: () => ({ B: '2' }) });
    assert.deepEqual(hooks.releaseEnv('a'), { A: '1', B: '2' });
  });
});

describe('service verbs and URLs', () => {
  it('dispatches <service>:<action> to the generic verbs, exact verbs first', () => {
    assert.equal(findVerb(GROUPS, 'postgres:create')?.name, '<service>:create');
    assert.equal(findVerb(GROUPS, 'memcached:link')?.name, '<service>:link');
    assert.equal(findVerb(GROUPS, 'apps:create')?.name, 'apps:create');
    assert.equal(findVerb(GROUPS, 'postgres:frobnicate'), undefined);
  });

  it('builds default connection URLs with escaped credentials', () => {
    assert.equal(defaultUrl('postgres', { host: 'h', port: 5432, credentials: { user: 'u', password: 'p@ss/', database: 'd' } }), 'postgres://u:p%40ss%2F@h:5432/d');
    assert.equal(defaultUrl('memcached', { host: 'h', port: 11211, credentials: {} }), 'memcached://h:11211');
  });
});
