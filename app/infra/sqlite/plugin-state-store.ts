import type Database from 'better-sqlite3';
import type { PluginStateRecord, PluginStateStore } from '../../ports/plugin-state';
import { now as nowIso } from './clock';

interface StateRow { id: string; enabled: number; source: string | null; updated_at: string }
const toState = (r: StateRow): PluginStateRecord => ({ id: r.id, enabled: r.enabled === 1, source: r.source, updatedAt: r.updated_at });

export function sqlitePluginStateStore(db: Database.Database): PluginStateStore {
  const get = (id: string): PluginStateRecord | null => {
    const row = db.prepare<[string], StateRow>('SELECT * FROM plugin_state WHERE id = ?').get(id);
    return row ? toState(row) : null;
  };
  return {
    get,
    list: () => db.prepare<[], StateRow>('SELECT * FROM plugin_state ORDER BY id').all().map(toState),
    set(id, state) {
      const source = state.source === undefined ? (get(id)?.source ?? null) : state.source;
      db.prepare(`INSERT INTO plugin_state (id, enabled, source, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET enabled = excluded.enabled, source = excluded.source, updated_at = excluded.updated_at`)
        .run(id, state.enabled ? 1 : 0, source, nowIso());
      return get(id)!;
    },
    getValue(plugin, key) {
      const row = db.prepare<[string, string], { value: string }>('SELECT value FROM plugin_storage WHERE plugin = ? AND key = ?').get(plugin, key);
      return row ? row.value : null;
    },
    setValue(plugin, key, value) {
      db.prepare(`INSERT INTO plugin_storage (plugin, key, value) VALUES (?, ?, ?)
        ON CONFLICT(plugin, key) DO UPDATE SET value = excluded.value`).run(plugin, key, value);
    },
    deleteValue: (plugin, key) => db.prepare('DELETE FROM plugin_storage WHERE plugin = ? AND key = ?').run(plugin, key).changes > 0,
    keys: (plugin) => db.prepare<[string], { key: string }>('SELECT key FROM plugin_storage WHERE plugin = ? ORDER BY key').all(plugin).map((r) => r.key),
  };
}
