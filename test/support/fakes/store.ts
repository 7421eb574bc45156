import crypto from 'node:crypto';
import { EMPTY_MANIFEST } from '../../../app/manifest';
import type { AppPatch, AppRecord, ReleaseRecord, Store } from '../../../app/ports/store';

/** The sub-stores unit tests imitate most: apps, releases, formation, stopped marks, config vars. */
export type CoreTables = Pick<Store, 'apps' | 'releases' | 'formation' | 'processState' | 'config' | 'transaction'>;

interface State {
  apps: Map<string, AppRecord>;
  releases: Map<string, ReleaseRecord[]>;
  current: Map<string, number>;
  formation: Map<string, Record<string, number>>;
  stopped: Map<string, boolean>;
  config: Map<string, Record<string, string>>;
}

const copy = (s: State): State => structuredClone(s);
const fkError = (): Error => new Error('FOREIGN KEY constraint failed');

/**
 * Those tables in memory, as infra/sqlite keeps them (test/conformance/store.ts holds both to it):
 * an app's rows follow its rename and go with it, a row of an app that does not exist is refused,
 * the next release number is one above the newest kept, a formation is merged per process type,
 * and a transaction that throws leaves every table as it was.
 */
export class InMemoryStore implements CoreTables {
  private s: State = { apps: new Map(), releases: new Map(), current: new Map(), formation: new Map(), stopped: new Map(), config: new Map() };

  private need(app: string): void {
    if (!this.s.apps.has(app)) throw fkError();
  }

  readonly apps: Store['apps'] = {
    insert: (name) => {
      if (this.s.apps.has(name)) throw new Error('UNIQUE constraint failed: apps.name');
      const app: AppRecord = {
        id: crypto.randomBytes(6).toString('hex'), name, createdAt: new Date().toISOString(), deployBranch: 'main', builder: null,
        buildpack: null, restartPolicy: 'unless-stopped', memoryMb: null, cpus: null, locked: false,
      };
      this.s.apps.set(name, app);
      return { ...app };
    },
    get: (name) => { const a = this.s.apps.get(name); return a ? { ...a } : null; },
    list: () => [...this.s.apps.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((a) => ({ ...a })),
    rename: (from, to) => {
      const app = this.s.apps.get(from);
      if (!app) return;
      if (this.s.apps.has(to)) throw new Error('UNIQUE constraint failed: apps.name');
      this.s.apps.delete(from);
      this.s.apps.set(to, { ...app, name: to });
      for (const table of [this.s.releases, this.s.current, this.s.formation, this.s.stopped, this.s.config] as Map<string, unknown>[]) {
        if (table.has(from)) { table.set(to, table.get(from)); table.delete(from); }
      }
      const releases = this.s.releases.get(to);
      if (releases) this.s.releases.set(to, releases.map((r) => ({ ...r, app: to })));
    },
    update: (name, patch: AppPatch) => {
      const app = this.s.apps.get(name);
      if (!app) throw new TypeError(`no app ${name}`);
      const known = Object.fromEntries(Object.entries(patch).filter(([k]) => ['deployBranch', 'builder', 'buildpack', 'restartPolicy', 'memoryMb', 'cpus', 'locked'].includes(k)).map(([k, v]) => [k, v ?? null]));
      const next = { ...app, ...known } as AppRecord;
      this.s.apps.set(name, next);
      return { ...next };
    },
    remove: (name) => {
      for (const table of [this.s.apps, this.s.releases, this.s.current, this.s.formation, this.s.stopped, this.s.config] as Map<string, unknown>[]) table.delete(name);
    },
  };

  readonly releases: Store['releases'] = {
    create: (r) => {
      this.need(r.app);
      const list = this.s.releases.get(r.app) ?? [];
      const version = Math.max(0, ...list.map((x) => x.version)) + 1;
      const release: ReleaseRecord = {
        app: r.app, version, image: r.image, gitSha: r.gitSha, config: { ...r.config }, processes: { ...r.processes }, port: r.port,
        appJson: r.appJson ?? null, manifest: r.manifest ?? EMPTY_MANIFEST, detectedPorts: r.detectedPorts ?? null,
        description: r.description, user: r.user, createdAt: new Date().toISOString(),
      };
      this.s.releases.set(r.app, [...list, release]);
      return structuredClone(release);
    },
    get: (app, version) => { const r = this.s.releases.get(app)?.find((x) => x.version === version); return r ? structuredClone(r) : null; },
    list: (app) => [...(this.s.releases.get(app) ?? [])].sort((a, b) => b.version - a.version).map((r) => structuredClone(r)),
    current: (app) => { const v = this.s.current.get(app); return v === undefined ? null : this.releases.get(app, v); },
    // As current_releases: a mark per app (its rows exist), read through the release it names.
    setCurrent: (app, version) => { this.need(app); this.s.current.set(app, version); },
    remove: (app, version) => { this.s.releases.set(app, (this.s.releases.get(app) ?? []).filter((r) => r.version !== version)); },
  };

  readonly formation: Store['formation'] = {
    get: (app) => ({ ...(this.s.formation.get(app) ?? {}) }),
    set: (app, scale) => {
      this.need(app);
      this.s.formation.set(app, { ...(this.s.formation.get(app) ?? {}), ...scale });
    },
  };

  readonly processState: Store['processState'] = {
    isStopped: (app) => this.s.stopped.get(app) === true,
    setStopped: (app, stopped) => { this.need(app); this.s.stopped.set(app, stopped); },
  };

  readonly config: Store['config'] = {
    get: (app) => ({ ...(this.s.config.get(app) ?? {}) }),
    apply: (app, set, unset) => {
      this.need(app);
      const next = { ...(this.s.config.get(app) ?? {}) };
      for (const k of unset) delete next[k];
      Object.assign(next, set);
      this.s.config.set(app, next);
    },
  };

  transaction<T>(fn: () => T): T {
    const before = copy(this.s);
    try {
      return fn();
    } catch (e) {
      this.s = before;
      throw e;
    }
  }
}
