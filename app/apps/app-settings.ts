import { BerthError } from '../errors';
import type { AppPatch, AppRecord, Store } from '../ports/store';
import type { EventsService } from '../events';

const BUILDERS = ['dockerfile', 'buildpack', 'auto'] as const;
// As git check-ref-format: no leading - / or ., no `..`, `//` or a component starting with `.`.
const BRANCH = /^(?![-/.])(?!.*\.\.)(?!.*\/\/)(?!.*\/\.)[A-Za-z0-9._\/-]{1,100}$/;

/** Per-app build settings: builder, forced buildpack, deploy branch. */
export class AppSettings {
  constructor(private readonly deps: { store: Pick<Store, 'apps' | 'transaction'>; events: EventsService; buildpackNames: () => string[] }) {}

  setBuilder(app: string, builder: unknown, user: string | null): AppRecord {
    if (typeof builder !== 'string' || !(BUILDERS as readonly string[]).includes(builder)) {
      throw new BerthError('NO_BUILDER', `"${String(builder)}" is not a builder: use dockerfile, buildpack or auto.`);
    }
    return this.update(app, { builder: builder === 'auto' ? null : builder }, `builder set to ${builder}`, user);
  }

  setBuildpack(app: string, name: unknown, user: string | null): AppRecord {
    if (name === null || name === '' || name === 'auto') return this.update(app, { buildpack: null }, 'buildpack detection restored', user);
    const names = this.deps.buildpackNames();
    if (typeof name !== 'string' || !names.includes(name)) {
      throw new BerthError('NO_BUILDER', `"${String(name)}" is not a buildpack; available: ${names.join(', ')}.`);
    }
    return this.update(app, { buildpack: name }, `buildpack set to ${name}`, user);
  }

  setDeployBranch(app: string, branch: unknown, user: string | null): AppRecord {
    if (typeof branch !== 'string' || !BRANCH.test(branch) || branch.endsWith('/') || branch.endsWith('.') || branch.endsWith('.lock')) {
      throw new BerthError('INVALID_BRANCH', `"${String(branch).slice(0, 60)}" is not a branch name berth accepts (letters, digits, . _ / -).`);
    }
    return this.update(app, { deployBranch: branch }, `deploy branch set to ${branch}`, user);
  }

  /**
   * The processes module's settings kept on the app's record (ps:set restart-policy, resource:limit):
   * checked and recorded as events by ProcessesService, stored here by the table's owner.
   */
  setProcessSettings(app: string, patch: Pick<AppPatch, 'restartPolicy' | 'memoryMb' | 'cpus'>): AppRecord {
    return this.deps.store.apps.update(app, patch);
  }

  private update(app: string, patch: Parameters<Store['apps']['update']>[1], message: string, user: string | null): AppRecord {
    const { store } = this.deps;
    if (!store.apps.get(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
    return store.transaction(() => {
      const updated = store.apps.update(app, patch);
      this.deps.events.record({ app, kind: 'config.changed', message, user });
      return updated;
    });
  }
}
