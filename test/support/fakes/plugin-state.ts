import type { PluginStateRecord, PluginStateStore } from '../../../app/ports/plugin-state';

/** The plugins' state port in memory, for unit tests. It passes test/conformance/plugin-state.ts, as infra/sqlite does. */
export class InMemoryPluginState implements PluginStateStore {
  private readonly states = new Map<string, PluginStateRecord>();
  /** plugin → key → value: a plugin's keys live in its own map, so no name can reach another's. */
  private readonly values = new Map<string, Map<string, string>>();

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  get(id: string): PluginStateRecord | null { return this.states.get(id) ?? null; }

  list(): PluginStateRecord[] { return [...this.states.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); }

  set(id: string, state: { enabled: boolean; source?: string | null }): PluginStateRecord {
    const source = state.source === undefined ? (this.get(id)?.source ?? null) : state.source;
    const record = { id, enabled: state.enabled, source, updatedAt: this.now() };
    this.states.set(id, record);
    return record;
  }

  getValue(plugin: string, key: string): string | null { return this.values.get(plugin)?.get(key) ?? null; }

  setValue(plugin: string, key: string, value: string): void {
    const own = this.values.get(plugin) ?? new Map<string, string>();
    own.set(key, value);
    this.values.set(plugin, own);
  }

  deleteValue(plugin: string, key: string): boolean { return this.values.get(plugin)?.delete(key) ?? false; }

  keys(plugin: string): string[] { return [...(this.values.get(plugin)?.keys() ?? [])].sort(); }
}
