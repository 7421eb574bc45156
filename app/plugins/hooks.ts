import { BerthError } from '../errors';
import type { HookHandler, HookName, HookPayloads, PluginBuilder } from './api';

interface Entry {
  readonly plugin: string;
  readonly hook: HookName;
  readonly handler: (payload: never) => unknown;
  /** Dependency depth of the plugin: 0 without dependencies, else 1 + its deepest dependency's. */
  readonly level: number;
  readonly order: number;
  readonly seq: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Typed hooks, run in a declared order: a plugin's dependencies' handlers before its own, then by
 * `order` (lower first), then by plugin id. A handler that throws stops the run with
 * PLUGIN_HOOK_FAILED naming the plugin.
 */
export class HookRegistry {
  private entries: Entry[] = [];
  private seq = 0;

  /** `beforeUse` runs before handlers are looked up (the host reloads plugins another process changed). */
  constructor(
    private readonly isEnabled: (plugin: string) => boolean,
    private readonly beforeUse: () => void = () => undefined,
  ) {}

  add<K extends HookName>(o: { plugin: string; level: number; hook: K; handler: HookHandler<K>; order?: number }): void {
    this.entries.push({ plugin: o.plugin, hook: o.hook, handler: o.handler as (payload: never) => unknown, level: o.level, order: o.order ?? 100, seq: this.seq++ });
  }

  /** Drops every handler of a plugin (it failed to register, or is reloading). */
  removePlugin(plugin: string): void {
    this.entries = this.entries.filter((e) => e.plugin !== plugin);
  }

  clear(): void { this.entries = []; }

  /** The handlers of a hook in run order, as `plugin` names (for `plugins:list` and tests). */
  order(hook: HookName): string[] {
    return this.sorted(hook).map((e) => e.plugin);
  }

  async run<K extends Exclude<HookName, 'release:env' | 'build:detect'>>(hook: K, payload: HookPayloads[K]): Promise<void> {
    for (const e of this.sorted(hook)) {
      try {
        await (e.handler as (p: HookPayloads[K]) => unknown)(payload);
      } catch (err) {
        throw new BerthError('PLUGIN_HOOK_FAILED', `plugin ${e.plugin}: its ${hook} hook failed: ${message(err)}`, { cause: err });
      }
    }
  }

  /** `build:detect`: the first handler (in run order) that returns a builder wins. */
  async detect(payload: HookPayloads['build:detect']): Promise<{ plugin: string; builder: PluginBuilder } | null> {
    for (const e of this.sorted('build:detect')) {
      let out: unknown;
      try {
        out = await (e.handler as (p: HookPayloads['build:detect']) => unknown)(payload);
      } catch (err) {
        throw new BerthError('PLUGIN_HOOK_FAILED', `plugin ${e.plugin}: its build:detect hook failed: ${message(err)}`, { cause: err });
      }
      if (!out) continue;
      const b = out as Partial<PluginBuilder>;
      if (typeof b.name !== 'string' || b.name === '' || typeof b.dockerfile !== 'string' || b.dockerfile === '') {
        throw new BerthError('PLUGIN_HOOK_FAILED', `plugin ${e.plugin}: its build:detect hook must return { name, dockerfile } (strings) or nothing.`);
      }
      return { plugin: e.plugin, builder: { name: b.name, dockerfile: b.dockerfile } };
    }
    return null;
  }

  /** `release:env`: each handler's env, merged in run order (later plugins win). Synchronous. */
  releaseEnv(app: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of this.sorted('release:env')) {
      let out: unknown;
      try {
        out = (e.handler as (p: HookPayloads['release:env']) => unknown)({ app });
      } catch (err) {
        throw new BerthError('PLUGIN_HOOK_FAILED', `plugin ${e.plugin}: its release:env hook failed: ${message(err)}`, { cause: err });
      }
      if (out && typeof out === 'object' && !(out instanceof Promise)) {
        for (const [k, v] of Object.entries(out)) if (typeof v === 'string') env[k] = v;
      }
    }
    return env;
  }

  private sorted(hook: HookName): Entry[] {
    this.beforeUse();
    return this.entries
      .filter((e) => e.hook === hook && this.isEnabled(e.plugin))
      .sort((a, b) => a.level - b.level || a.order - b.order || a.plugin.localeCompare(b.plugin) || a.seq - b.seq);
  }
}
