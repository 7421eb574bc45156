import assert from 'node:assert/strict';
import type { PluginStateStore } from '../../app/ports/plugin-state';

export interface OpenedPluginState {
  readonly state: PluginStateStore;
  close(): void;
}

/**
 * The plugins' state port (app/ports/plugin-state.ts: enabled or not, where it was installed from, and each
 * plugin's own key/value storage), run against infra/sqlite and the unit tests' InMemoryPluginState, both in
 * test/unit/conformance/plugin-state.test.ts.
 */
export function pluginStateConformance(name: string, open: () => OpenedPluginState): void {
  describe(`plugin state conformance: ${name}`, () => {
    let opened: OpenedPluginState;
    beforeEach(() => { opened = open(); });
    afterEach(() => opened?.close());

    it('no state until set; set answers the record, listed by id', () => {
      assert.deepEqual([opened.state.get('redis'), opened.state.list()], [null, []]);
      const r = opened.state.set('redis', { enabled: true });
      assert.deepEqual({ ...r, updatedAt: typeof r.updatedAt }, { id: 'redis', enabled: true, source: null, updatedAt: 'string' });
      assert.ok(!Number.isNaN(Date.parse(r.updatedAt)), r.updatedAt);
      opened.state.set('mysql', { enabled: false, source: '/opt/plugins/mysql' });
      assert.deepEqual(opened.state.list().map((p) => [p.id, p.enabled, p.source]), [['mysql', false, '/opt/plugins/mysql'], ['redis', true, null]]);
    });

    it('a later set keeps the source unless it gives one; null clears it', () => {
      opened.state.set('pg', { enabled: true, source: 'berth-plugin-pg@1.2.0' });
      assert.equal(opened.state.set('pg', { enabled: false }).source, 'berth-plugin-pg@1.2.0');
      assert.deepEqual([opened.state.get('pg')?.enabled, opened.state.get('pg')?.source], [false, 'berth-plugin-pg@1.2.0']);
      assert.equal(opened.state.set('pg', { enabled: true, source: null }).source, null);
    });

    it('storage: values replaced, keys listed sorted, delete answers whether it did', () => {
      opened.state.setValue('pg', 'b', '1');
      opened.state.setValue('pg', 'a', '2');
      opened.state.setValue('pg', 'b', '3');
      assert.deepEqual([opened.state.getValue('pg', 'b'), opened.state.keys('pg')], ['3', ['a', 'b']]);
      assert.equal(opened.state.deleteValue('pg', 'b'), true);
      assert.equal(opened.state.deleteValue('pg', 'b'), false);
      assert.deepEqual([opened.state.getValue('pg', 'b'), opened.state.keys('pg')], [null, ['a']]);
    });

    it('a plugin sees only its own keys, however plugin and key names are cut (a:b + c is not a + b:c)', () => {
      opened.state.setValue('a:b', 'c', 'mine');
      opened.state.setValue('pg', 'secret', 'pg-only');
      assert.deepEqual([opened.state.getValue('a', 'b:c'), opened.state.getValue('a', 'b'), opened.state.keys('a'), opened.state.keys('a:b')], [null, null, [], ['c']]);
      assert.deepEqual([opened.state.getValue('redis', 'secret'), opened.state.deleteValue('redis', 'secret'), opened.state.getValue('pg', 'secret')], [null, false, 'pg-only']);
    });
  });
}
