import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { Store } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';

/** Every process type, as dokku writes it. */
export const ALL_TYPES = '_all_';
const TYPE = /^[a-z][a-z0-9-]{0,62}$/;
const KEYS = { disable: 'checks-disabled', skip: 'checks-skipped' } as const;

export interface ChecksReport {
  /** Process types whose checks a deploy leaves out (`_all_` for every one). */
  readonly disabled: readonly string[];
  readonly skipped: readonly string[];
}

const listOf = (value: string | undefined): string[] => (value ? value.split(',').filter(Boolean) : []);
const covers = (list: readonly string[], type: string) => list.includes(ALL_TYPES) || list.includes(type);

/**
 * Why a deploy leaves out `type`'s startup/readiness checks: dokku's `checks:disable` or
 * `checks:skip` (berth starts new containers before retiring old ones either way), else null.
 */
export function checksOff(settings: Readonly<Record<string, string>>, type: string): 'disabled' | 'skipped' | null {
  if (covers(listOf(settings[KEYS.disable]), type)) return 'disabled';
  if (covers(listOf(settings[KEYS.skip]), type)) return 'skipped';
  return null;
}

/** dokku's `checks:disable|skip|enable <app> [types]` (table deploy_settings). */
export class ChecksSettings {
  constructor(private readonly deps: { store: Pick<Store, 'deploySettings'>; apps: AppsReader; events: EventsService }) {}

  report(app: string): ChecksReport {
    this.requireApp(app);
    const s = this.deps.store.deploySettings.get(app);
    return { disabled: listOf(s[KEYS.disable]), skipped: listOf(s[KEYS.skip]) };
  }

  /**
   * `disable`/`skip` add types to that list (and take them off the other), `enable` takes them off
   * both; no types means every type. Enabling one type while `_all_` is set is refused (berth does
   * not keep "all but").
   */
  change(app: string, action: unknown, types: unknown, user: string | null): ChecksReport {
    const now = this.report(app);
    if (action !== 'disable' && action !== 'skip' && action !== 'enable') throw new BerthError('INVALID_INPUT', '"action" is disable, skip or enable.');
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || (t !== ALL_TYPES && !TYPE.test(t))))) {
      throw new BerthError('INVALID_INPUT', '"types" must be a list of process types (lowercase letters, digits, dashes) or _all_.');
    }
    const wanted = !types || (types as string[]).length === 0 || (types as string[]).includes(ALL_TYPES) ? [ALL_TYPES] : [...new Set(types as string[])];
    const all = wanted[0] === ALL_TYPES;
    let disabled = [...now.disabled];
    let skipped = [...now.skipped];
    const without = (list: string[]) => (all ? [] : list.filter((t) => !wanted.includes(t)));
    if (action === 'enable') {
      if (!all && (disabled.includes(ALL_TYPES) || skipped.includes(ALL_TYPES))) {
        throw new BerthError('INVALID_INPUT', `${app}'s checks are ${disabled.includes(ALL_TYPES) ? 'disabled' : 'skipped'} for every process type; \`checks:enable ${app}\` turns them all back on.`);
      }
      disabled = without(disabled);
      skipped = without(skipped);
    } else {
      const [mine, other] = action === 'disable' ? [disabled, skipped] : [skipped, disabled];
      const merged = all || mine.includes(ALL_TYPES) ? [ALL_TYPES] : [...new Set([...mine, ...wanted])];
      const rest = other.includes(ALL_TYPES) && !all ? other : without(other);
      [disabled, skipped] = action === 'disable' ? [merged, rest] : [rest, merged];
    }
    const set: Record<string, string> = {};
    const unset: string[] = [];
    for (const [key, list] of [[KEYS.disable, disabled], [KEYS.skip, skipped]] as const) {
      if (list.length) set[key] = list.join(','); else unset.push(key);
    }
    this.deps.store.deploySettings.apply(app, set, unset);
    this.deps.events.record({ app, kind: 'config.changed', message: `checks ${action === 'enable' ? 'enabled' : `${action === 'disable' ? 'disabled' : 'skipped'}`} for ${wanted.join(',')}`, user });
    return this.report(app);
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
