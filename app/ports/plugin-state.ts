/** Which plugins are enabled, and each plugin's own key/value storage. infra/sqlite implements it. */

export interface PluginStateRecord {
  readonly id: string;
  readonly enabled: boolean;
  /** Where `plugins:install` got it from (a folder or an npm package), or null for found ones. */
  readonly source: string | null;
  readonly updatedAt: string;
}

export interface PluginStateStore {
  get(id: string): PluginStateRecord | null;
  list(): PluginStateRecord[];
  set(id: string, state: { enabled: boolean; source?: string | null }): PluginStateRecord;
  /** A plugin's storage namespace: keys are only ever seen by the plugin that wrote them. */
  getValue(plugin: string, key: string): string | null;
  setValue(plugin: string, key: string, value: string): void;
  deleteValue(plugin: string, key: string): boolean;
  keys(plugin: string): string[];
}
