import { BerthError } from '../errors';
import type { Store } from '../ports/store';
import type { EventsService } from '../events';
import { assertConfigKey, assertConfigValue } from './config-key';
import type { AppsReader } from '../apps/apps-reader';
import type { ConfigRestorer } from './config-reader';

/** Keys berth sets itself for every container; users may not override them. */
const RESERVED = new Set(['PORT']);

export interface ConfigChange {
  readonly set: Readonly<Record<string, string>>;
  readonly unset: readonly string[];
}

export class ConfigVarsService implements ConfigRestorer {
  constructor(private readonly deps: { store: Pick<Store, 'config' | 'transaction'>; apps: AppsReader; events: EventsService }) {}

  get(app: string): Record<string, string> {
    this.requireApp(app);
    return this.deps.store.config.get(app);
  }

  /** Validates and stores; returns true when anything changed (the caller decides on a restart). */
  apply(app: string, change: ConfigChange, user: string | null): boolean {
    this.requireApp(app);
    for (const [key, value] of Object.entries(change.set)) {
      assertConfigKey(key);
      assertConfigValue(key, value);
      if (RESERVED.has(key)) throw new BerthError('INVALID_CONFIG_KEY', `${key} is set by berth and cannot be changed.`);
    }
    for (const key of change.unset) assertConfigKey(key);
    const before = this.deps.store.config.get(app);
    const changed = Object.entries(change.set).some(([k, v]) => before[k] !== v) || change.unset.some((k) => k in before);
    if (!changed) return false;
    this.deps.store.transaction(() => {
      this.deps.store.config.apply(app, change.set, change.unset);
      const parts = [...Object.keys(change.set).map((k) => `set ${k}`), ...change.unset.map((k) => `unset ${k}`)];
      this.deps.events.record({ app, kind: 'config.changed', message: parts.join(', '), user });
    });
    return true;
  }

  /** The stored values, unchecked: for the build pipeline, which holds the app's build (and {} once the app is gone). */
  values(app: string): Record<string, string> {
    return this.deps.store.config.get(app);
  }

  /**
   * A rollback makes a release's config the app's again (the build runner, inside its go-live
   * transaction): the values were checked when first set, and the caller records the event.
   */
  restore(app: string, set: Readonly<Record<string, string>>, unset: readonly string[]): void {
    this.deps.store.config.apply(app, set, unset);
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
