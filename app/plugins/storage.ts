import type { PluginStateStore } from '../ports/plugin-state';
import type { PluginStorage } from './api';

/** A plugin's key/value namespace in SQLite. */
export function pluginStorage(state: PluginStateStore, plugin: string): PluginStorage {
  return {
    get: (key) => state.getValue(plugin, key),
    set: (key, value) => state.setValue(plugin, key, String(value)),
    delete: (key) => state.deleteValue(plugin, key),
    keys: () => state.keys(plugin),
    getJson<T>(key: string): T | null {
      const v = state.getValue(plugin, key);
      return v === null ? null : JSON.parse(v) as T;
    },
    setJson: (key, value) => state.setValue(plugin, key, JSON.stringify(value)),
  };
}
