import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PluginHost, type PluginHostDeps } from '../../../app/plugins';
import type { PluginStateRecord, PluginStateStore } from '../../../app/ports/plugin-state';

/** One state table, as the web and worker processes share one SQLite file. */
function sharedState(): PluginStateStore {
  const rows = new Map<string, PluginStateRecord>();
  let tick = 0;
  return {
    get: (id) => rows.get(id) ?? null,
    list: () => [...rows.values()].sort((a, b) => a.id.localeCompare(b.id)),
    set: (id, s) => {
      const row = { id, enabled: s.enabled, source: s.source === undefined ? rows.get(id)?.source ?? null : s.source, updatedAt: String(++tick) };
      rows.set(id, row);
      return row;
    },
    getValue: () => null, setValue: () => undefined, deleteValue: () => false, keys: () => [],
  };
}

describe('plugin state shared by processes', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-plugins-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a host reloads when another host enabled or disabled a plugin', async () => {
    const extra = path.join(tmp, 'extra');
    fs.mkdirSync(path.join(extra, 'greeter'), { recursive: true });
    fs.writeFileSync(path.join(extra, 'greeter/plugin.json'), JSON.stringify({ id: 'greeter', version: '1.0.0', berth: '*' }));
    fs.writeFileSync(path.join(extra, 'greeter/index.js'),
      "module.exports = { register(ctx) { ctx.hooks.on('release:env', () => ({ GREETING: 'hi' })); } };");
    const state = sharedState();
    const deps: PluginHostDeps = {
      state, docker: {} as PluginHostDeps['docker'], berthVersion: '0.1.0',
      sources: { builtin: path.join(tmp, 'none'), installed: path.join(tmp, 'installed'), extra: [extra] },
      tree: { projectRoot: tmp, distRoot: tmp }, log: () => undefined,
    };
    const web = new PluginHost(deps);
    const worker = new PluginHost(deps);
    web.load();
    worker.load();
    assert.deepEqual(worker.hooks.releaseEnv('shop'), { GREETING: 'hi' });

    web.setEnabled('greeter', false);
    assert.deepEqual(worker.hooks.releaseEnv('shop'), {}, 'the worker sees the disable without a restart');
    assert.equal(worker.list().find((p) => p.id === 'greeter')?.status, 'disabled');

    web.setEnabled('greeter', true);
    assert.equal(worker.hooks.order('release:env').join(), 'greeter');
    assert.deepEqual(worker.hooks.releaseEnv('shop'), { GREETING: 'hi' });
  });
});
