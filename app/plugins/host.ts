import { BerthError, type ErrorCode } from '../errors';
import type { PluginStateStore } from '../ports/plugin-state';
import type { ServiceEngine } from '../ports/service-engine';
import type { ServiceCatalog, ServiceDescriptor, ServicePlugin } from '../services-kit';
import type { PluginAppPanel, PluginCliVerb, PluginContext, PluginManifest, PluginRoute } from './api';
import { discoverPlugins, type PluginOrigin, type PluginSources } from './discovery';
import { loadDefinition, resolveEntry, type CompiledTree } from './entry';
import { HookRegistry } from './hooks';
import { planLoad, type RefusedPlugin } from './load-plan';
import { pluginStorage } from './storage';
import { installPlugin } from './install';
import path from 'node:path';
import fs from 'node:fs';

export interface PluginHostDeps {
  readonly state: PluginStateStore;
  readonly docker: ServiceEngine;
  readonly berthVersion: string;
  readonly sources: PluginSources;
  readonly tree: CompiledTree;
  readonly log: (line: string) => void;
}

export interface PluginListEntry {
  readonly id: string;
  readonly version: string | null;
  readonly status: 'loaded' | 'disabled' | 'refused';
  readonly origin: PluginOrigin;
  readonly dir: string;
  readonly service: boolean;
  readonly description: string | null;
  readonly error: { code: string; message: string } | null;
}

interface Loaded {
  readonly manifest: PluginManifest;
  readonly dir: string;
  readonly origin: PluginOrigin;
  service: ServiceDescriptor | null;
  routes: PluginRoute[];
  verbs: PluginCliVerb[];
  panels: PluginAppPanel[];
}

/** A plugin's CLI verb as `GET /api/v1/plugins/verbs` lists it. */
export interface PluginVerbEntry extends PluginCliVerb { readonly plugin: string }

/** A rendered app-page panel: plain text. */
export interface PluginPanelView { readonly plugin: string; readonly title: string; readonly text: string }

/** Loads plugins, keeps their hooks, services and routes, and answers `plugins:list`. */
export class PluginHost {
  readonly hooks: HookRegistry;
  private loaded = new Map<string, Loaded>();
  private disabled: Array<{ manifest: PluginManifest; dir: string; origin: PluginOrigin }> = [];
  private refused: RefusedPlugin[] = [];
  /** The stored plugin state this process loaded from (see refresh()); null before the first load. */
  private loadedState: string | null = null;

  constructor(private readonly deps: PluginHostDeps) {
    this.hooks = new HookRegistry((id) => this.loaded.has(id), () => this.refresh());
  }

  /** (Re)loads every plugin. Bad ones are refused with a typed error; the others load. Synchronous. */
  load(): void {
    this.loadedState = this.storedState();
    this.hooks.clear();
    this.loaded = new Map();
    const plan = planLoad({
      found: discoverPlugins(this.deps.sources),
      berthVersion: this.deps.berthVersion,
      isEnabled: (id) => this.deps.state.get(id)?.enabled !== false,
    });
    this.disabled = plan.disabled;
    this.refused = [...plan.refused];
    for (const p of plan.load) {
      // A plugin whose dependency failed to register is refused too.
      const missing = Object.keys(p.manifest.dependencies ?? {}).find((d) => !this.loaded.has(d));
      if (missing) {
        this.refuse(p, new BerthError('PLUGIN_DEPENDENCY_MISSING', `plugin ${p.manifest.id} refused: its dependency ${missing} failed to load.`));
        continue;
      }
      const entry: Loaded = { manifest: p.manifest, dir: p.dir, origin: p.origin, service: null, routes: [], verbs: [], panels: [] };
      try {
        const def = loadDefinition(resolveEntry(p.dir, p.manifest, this.deps.tree), p.manifest);
        const result: unknown = def.register(this.contextFor(entry, p.level));
        if (result instanceof Promise) throw new Error('register(ctx) must be synchronous (it returned a promise)');
        const orphan = entry.verbs.find((v) => !entry.routes.some((r) => r.method === v.method && r.path === v.path));
        if (orphan) throw new Error(`cli verb ${orphan.name} maps to ${orphan.method} ${orphan.path}, which is not one of its http routes`);
        this.loaded.set(p.manifest.id, entry);
      } catch (e) {
        this.hooks.removePlugin(p.manifest.id);
        this.refuse(p, e instanceof BerthError ? e
          : new BerthError('PLUGIN_ENTRY_INVALID', `plugin ${p.manifest.id} refused: register(ctx) threw: ${(e as Error).message}`));
      }
    }
  }

  /** Lines for berth's start log: what loaded, and each refusal with its code and reason. */
  startupReport(): string[] {
    const lines = [`plugins: ${[...this.loaded.values()].map((p) => `${p.manifest.id}@${p.manifest.version}`).join(', ') || 'none'} loaded`];
    for (const d of this.disabled) lines.push(`plugins: ${d.manifest.id} is disabled`);
    for (const r of this.refused) lines.push(`plugins: ${r.code}: ${r.message}`);
    return lines;
  }

  list(): PluginListEntry[] {
    this.refresh();
    const out: PluginListEntry[] = [];
    for (const p of this.loaded.values()) {
      out.push({ id: p.manifest.id, version: p.manifest.version, status: 'loaded', origin: p.origin, dir: p.dir, service: p.service !== null, description: p.manifest.description ?? null, error: null });
    }
    for (const d of this.disabled) {
      out.push({ id: d.manifest.id, version: d.manifest.version, status: 'disabled', origin: d.origin, dir: d.dir, service: false, description: d.manifest.description ?? null, error: null });
    }
    for (const r of this.refused) {
      out.push({ id: r.id, version: r.version, status: 'refused', origin: r.origin, dir: r.dir, service: false, description: null, error: { code: r.code, message: r.message } });
    }
    return out;
  }

  /** Enables or disables a plugin (stored), then reloads. */
  setEnabled(id: string, enabled: boolean): PluginListEntry {
    if (!this.list().some((p) => p.id === id)) throw new BerthError('PLUGIN_NOT_FOUND', `There is no plugin ${id}; \`berth plugins:list\` shows them.`);
    this.deps.state.set(id, { enabled });
    this.load();
    return this.list().find((p) => p.id === id)!;
  }

  /** Installs from a folder, a `npm pack` tarball or an npm package, then loads it; refused → removed again. */
  install(source: string): PluginListEntry {
    const { id } = installPlugin({ source, installedDir: this.deps.sources.installed });
    const before = this.deps.state.get(id);
    this.deps.state.set(id, { enabled: true, source });
    this.load();
    const entry = this.list().find((p) => p.id === id && p.origin === 'installed');
    if (!entry || entry.status === 'refused') {
      fs.rmSync(path.join(this.deps.sources.installed, id), { recursive: true, force: true });
      // Written again (a new updatedAt) so other processes that reloaded meanwhile reload once more.
      this.deps.state.set(id, { enabled: before?.enabled ?? true, source: before?.source ?? null });
      this.load();
      throw new BerthError((entry?.error?.code ?? 'PLUGIN_INSTALL_FAILED') as ErrorCode, entry?.error?.message ?? `plugin ${id} did not load.`);
    }
    return entry;
  }

  /** The API routes a loaded plugin added. */
  route(id: string, method: string, routePath: string): PluginRoute | null {
    this.refresh();
    return this.loaded.get(id)?.routes.find((r) => r.method === method && r.path === routePath) ?? null;
  }

  /** The CLI verbs loaded plugins add. */
  verbs(): PluginVerbEntry[] {
    this.refresh();
    return [...this.loaded.values()].flatMap((p) => p.verbs.map((v) => ({ plugin: p.manifest.id, name: v.name, usage: v.usage, summary: v.summary, method: v.method, path: v.path })));
  }

  /** The app page's plugin panels, rendered; a panel that throws shows the error instead. */
  appPanels(app: string): PluginPanelView[] {
    this.refresh();
    return [...this.loaded.values()].flatMap((p) => p.panels.map((panel) => {
      let text: string;
      try {
        const out: unknown = panel.render({ app });
        text = typeof out === 'string' ? out : String(out ?? '');
      } catch (e) {
        text = `(this panel failed: ${(e as Error).message})`;
      }
      return { plugin: p.manifest.id, title: panel.title, text };
    }));
  }

  readonly catalog: ServiceCatalog = {
    get: (id) => {
      this.refresh();
      const p = this.loaded.get(id);
      if (p?.service) return this.servicePlugin(p, p.service);
      const off = this.disabled.some((d) => d.manifest.id === id);
      const names = this.catalog.list().map((s) => s.id).join(', ') || 'none';
      throw new BerthError('SERVICE_PLUGIN_NOT_FOUND', off
        ? `The ${id} plugin is disabled; \`berth plugins:enable ${id}\` turns it on.`
        : `There is no service plugin ${id} (service plugins: ${names}).`);
    },
    list: () => { this.refresh(); return [...this.loaded.values()].filter((p) => p.service).map((p) => this.servicePlugin(p, p.service!)); },
  };

  /**
   * Web and worker are separate processes (Procfile), and only the one that handled
   * `plugins:install|enable|disable` reloads at once: every other one reloads here, before it
   * uses a plugin, when the stored state (SQLite, shared) differs from what it loaded.
   */
  private refresh(): void {
    if (this.loadedState !== null && this.storedState() !== this.loadedState) this.load();
  }

  private storedState(): string {
    return JSON.stringify(this.deps.state.list());
  }

  private servicePlugin(p: Loaded, descriptor: ServiceDescriptor): ServicePlugin {
    const script = path.join(p.dir, 'image.sh');
    return {
      id: p.manifest.id, version: p.manifest.version, descriptor,
      image: descriptor.image ?? p.manifest.image ?? '',
      imageScript: fs.existsSync(script) ? script : null,
    };
  }

  private refuse(p: { manifest: PluginManifest; dir: string; origin: PluginOrigin }, e: BerthError): void {
    this.refused.push({ id: p.manifest.id, dir: p.dir, origin: p.origin, version: p.manifest.version, code: e.code, message: e.message });
  }

  private contextFor(entry: Loaded, level: number): PluginContext {
    const id = entry.manifest.id;
    const log = (level_: string) => (message: string) => this.deps.log(`plugin ${id}: ${level_ === 'warn' ? 'warning: ' : ''}${message}`);
    return {
      manifest: entry.manifest,
      berthVersion: this.deps.berthVersion,
      hooks: { on: (hook, handler, options) => this.hooks.add({ plugin: id, level, hook, handler, order: options?.order }) },
      services: {
        register: (descriptor) => {
          if (entry.service) throw new Error('a plugin registers at most one service');
          if (!descriptor || typeof descriptor.containerEnv !== 'function' || !Number.isInteger(descriptor.port) || !descriptor.envAlias || !descriptor.scheme || !descriptor.dataDir) {
            throw new Error('services.register needs port, envAlias, scheme, dataDir and containerEnv()');
          }
          if (!(descriptor.image ?? entry.manifest.image)) throw new Error('a service needs an image (descriptor.image or "image" in plugin.json)');
          entry.service = descriptor;
        },
      },
      http: {
        route: (route) => {
          if (!/^\/[A-Za-z0-9/_-]*$/.test(route.path) || !['GET', 'POST'].includes(route.method)) throw new Error(`bad route ${route.method} ${route.path}`);
          entry.routes.push(route);
        },
      },
      cli: {
        verb: (verb) => {
          if (!verb || !new RegExp(`^${id}:[a-z][a-z0-9-]*$`).test(verb.name)) throw new Error(`cli verb names look like ${id}:<verb> (lowercase letters, digits, dashes)`);
          if (!['GET', 'POST'].includes(verb.method) || typeof verb.path !== 'string') throw new Error(`cli verb ${verb.name} needs method GET or POST and a route path`);
          if (typeof verb.usage !== 'string' || typeof verb.summary !== 'string') throw new Error(`cli verb ${verb.name} needs usage and summary`);
          entry.verbs.push({ name: verb.name, usage: verb.usage, summary: verb.summary, method: verb.method, path: verb.path });
        },
      },
      dashboard: {
        appPanel: (panel) => {
          if (!panel || typeof panel.title !== 'string' || panel.title === '' || typeof panel.render !== 'function') throw new Error('dashboard.appPanel needs a title and render({ app })');
          entry.panels.push(panel);
        },
      },
      storage: pluginStorage(this.deps.state, id),
      log: { info: log('info'), warn: log('warn') },
      docker: this.deps.docker,
    };
  }
}
