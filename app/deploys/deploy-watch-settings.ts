import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { Store } from '../ports/store';
import type { WatchAction } from '../ports/deploy-watches';
import type { AppsReader } from '../apps/apps-reader';

/** What a deploy watch looks for, per app (`deploy-watch:set`; table deploy_settings, keys `watch-*`). */
export interface WatchSettings {
  /** Seconds the new release is watched after it went live; 0: deploys are not watched. */
  readonly window: number;
  readonly action: WatchAction;
  /** Restarts (docker's restart policy) plus containers found down, summed over the release's containers. */
  readonly restarts: number;
  /** Containers the liveness monitor restarted (its `ps.unhealthy` events). */
  readonly unhealthy: number;
  /** Share of the router's answers that were 5xx, breached when above it … */
  readonly errorRate: number;
  /** … over at least this many requests. */
  readonly minRequests: number;
}

/** Five minutes, rolled back on 3 restarts, 1 liveness restart, or more than 20 % 5xx of at least 20 requests. */
export const WATCH_DEFAULTS: WatchSettings = { window: 300, action: 'rollback', restarts: 3, unhealthy: 1, errorRate: 0.2, minRequests: 20 };

/** The names `deploy-watch:set` takes, and the setting each one is. */
const NAMES = { window: 'window', action: 'action', restarts: 'restarts', unhealthy: 'unhealthy', '5xx-rate': 'errorRate', 'min-requests': 'minRequests' } as const;
type Name = keyof typeof NAMES;
export const WATCH_SETTING_NAMES = Object.keys(NAMES) as readonly Name[];
const keyOf = (name: Name) => `watch-${name}`;

const invalid = (message: string) => new BerthError('INVALID_DEPLOY_WATCH', message);

/** `5m`, `90s`, `1h`, `300` (seconds) or `off`; at most a day. */
export function parseWindow(value: string): number {
  if (value === 'off') return 0;
  const m = /^(\d{1,6})(s|m|h)?$/.exec(value);
  const seconds = m ? Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1) : NaN;
  if (!Number.isFinite(seconds) || seconds > 86_400) throw invalid(`window "${value}" is not a duration: give seconds, e.g. 90s, 5m or 1h (at most 24h), or off.`);
  return seconds;
}

/** Checks one `name value` and answers what is stored for it. */
function checked(name: string, value: string): string {
  switch (name) {
    case 'window': return String(parseWindow(value));
    case 'action':
      if (value !== 'rollback' && value !== 'watch') throw invalid(`action "${value}" is rollback (roll back on a breach) or watch (only alert).`);
      return value;
    case 'restarts': case 'unhealthy': case 'min-requests': {
      if (!/^\d{1,6}$/.test(value) || (name !== 'min-requests' && Number(value) < 1)) throw invalid(`${name} "${value}" must be a whole number${name === 'min-requests' ? '' : ' of at least 1'}.`);
      return String(Number(value));
    }
    case '5xx-rate': {
      const rate = /^(0(\.\d{1,4})?|1(\.0{1,4})?|\.\d{1,4})$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(rate)) throw invalid(`5xx-rate "${value}" is a share between 0 and 1, e.g. 0.2 (more than 20 % of the answers were 5xx).`);
      return String(rate);
    }
    default: throw invalid(`"${name}" is no deploy-watch setting: use ${WATCH_SETTING_NAMES.join(', ')}.`);
  }
}

/** The app's settings as stored, defaults where none is set. */
export function watchSettingsOf(stored: Readonly<Record<string, string>>): WatchSettings {
  const out: Record<string, unknown> = { ...WATCH_DEFAULTS };
  for (const name of WATCH_SETTING_NAMES) {
    const v = stored[keyOf(name)];
    if (v !== undefined) out[NAMES[name]] = name === 'action' ? v : Number(v);
  }
  return out as unknown as WatchSettings;
}

/** `deploy-watch:set|report` (dokku-style settings in table deploy_settings). */
export class DeployWatchSettings {
  constructor(private readonly deps: { store: Pick<Store, 'deploySettings'>; apps: AppsReader; events: EventsService }) {}

  get(app: string): WatchSettings {
    this.requireApp(app);
    return this.of(app);
  }

  /** The settings as stored, defaults where none is set, with no check that the app exists (the deploy watch's read). */
  of(app: string): WatchSettings {
    return watchSettingsOf(this.deps.store.deploySettings.get(app));
  }

  /**
   * `{ name: value }` pairs; a null value puts the default back. Every pair is checked before
   * anything is stored, so a bad one changes nothing. Applies from the app's next deploy.
   */
  set(app: string, changes: unknown, user: string | null): WatchSettings {
    this.requireApp(app);
    if (!changes || typeof changes !== 'object' || Array.isArray(changes) || Object.keys(changes).length === 0) {
      throw new BerthError('INVALID_INPUT', `"settings" must be an object of names and values, e.g. { "window": "5m", "action": "rollback" } (\`berth deploy-watch:set ${app} window 5m action rollback\`).`);
    }
    const set: Record<string, string> = {};
    const unset: string[] = [];
    for (const [name, value] of Object.entries(changes as Record<string, unknown>)) {
      if (!(WATCH_SETTING_NAMES as readonly string[]).includes(name)) throw invalid(`"${name}" is no deploy-watch setting: use ${WATCH_SETTING_NAMES.join(', ')}.`);
      if (value === null) { unset.push(keyOf(name as Name)); continue; }
      if (typeof value !== 'string') throw new BerthError('INVALID_INPUT', `The value of "${name}" must be a string (or null for the default).`);
      set[keyOf(name as Name)] = checked(name, value);
    }
    this.deps.store.deploySettings.apply(app, set, unset);
    const said = Object.entries(changes as Record<string, unknown>).map(([n, v]) => `${n} ${v === null ? '(default)' : String(v)}`).join(', ');
    this.deps.events.record({ app, kind: 'config.changed', message: `deploy watch: ${said}`, user });
    return this.get(app);
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
