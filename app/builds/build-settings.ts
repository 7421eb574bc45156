import { BerthError } from '../errors';
import type { Store } from '../ports/store';
import type { EventsService } from '../events';
import type { AppsReader } from '../apps/apps-reader';

/** Keys of `builder-dockerfile:set` (stored per app in build_settings). */
export const DOCKERFILE_KEYS = ['dockerfile-path', 'build-dir', 'buildkit'] as const;
export type DockerfileKey = (typeof DOCKERFILE_KEYS)[number];
const OPTIONS_KEY = 'docker-options-build';

/** A path inside the repo: relative, no `..`, no odd characters (it reaches docker's API and the tar reader). */
const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._\/-]{1,200}$/;
const BUILD_ARG = /^--build-arg[= ]([A-Za-z_][A-Za-z0-9_]{0,99})=(.{0,1000})$/;

export interface ResolvedBuildSettings {
  /** The Dockerfile, relative to the build dir. */
  readonly dockerfilePath: string;
  /** The repo subfolder that is the build context (monorepos), or null for the whole repo. */
  readonly buildDir: string | null;
  readonly buildkit: boolean;
  /** `--build-arg` options with `$VAR`/`${VAR}` taken from the app's config. */
  readonly buildArgs: Record<string, string>;
}

/** Per-app Dockerfile build settings (`builder-dockerfile:*`) and build-phase docker options (`docker-options:* build`). */
export class BuildSettings {
  constructor(private readonly deps: { store: Pick<Store, 'buildSettings'>; apps: AppsReader; events: EventsService }) {}

  report(app: string): { 'dockerfile-path': string; 'build-dir': string | null; buildkit: boolean; 'docker-options-build': string[] } {
    this.requireApp(app);
    const s = this.deps.store.buildSettings.get(app);
    return {
      'dockerfile-path': s['dockerfile-path'] ?? 'Dockerfile',
      'build-dir': s['build-dir'] ?? null,
      buildkit: s.buildkit !== 'false',
      'docker-options-build': s[OPTIONS_KEY] ? JSON.parse(s[OPTIONS_KEY]) as string[] : [],
    };
  }

  /** `builder-dockerfile:set <app> <key> [value]`: no value unsets (back to the default). */
  set(app: string, key: unknown, value: unknown, user: string | null): ReturnType<BuildSettings['report']> {
    this.requireApp(app);
    if (typeof key !== 'string' || !(DOCKERFILE_KEYS as readonly string[]).includes(key)) {
      const named = typeof key === 'string' ? JSON.stringify(key.slice(0, 80)) : `a ${Array.isArray(key) ? 'list' : typeof key}`;
      throw new BerthError('INVALID_BUILD_SETTING', `${named} is not a builder-dockerfile setting; use ${DOCKERFILE_KEYS.join(', ')}.`);
    }
    if (value === null || value === undefined || value === '') {
      this.deps.store.buildSettings.apply(app, {}, [key]);
    } else {
      if (typeof value !== 'string') throw new BerthError('INVALID_BUILD_SETTING', `${key} must be a string.`);
      if (key === 'buildkit' && !['true', 'false'].includes(value)) throw new BerthError('INVALID_BUILD_SETTING', 'buildkit is true (the default) or false (the legacy builder).');
      if (key !== 'buildkit' && !REPO_PATH.test(value)) {
        throw new BerthError('INVALID_BUILD_SETTING', `${key} "${value.slice(0, 80)}" must be a path inside the repo (relative, no "..", letters, digits, . _ / -).`);
      }
      this.deps.store.buildSettings.apply(app, { [key]: value.replace(/\/+$/, '') }, []);
    }
    this.deps.events.record({ app, kind: 'config.changed', message: `builder-dockerfile ${key} ${value ? `set to ${String(value)}` : 'unset'}`, user });
    return this.report(app);
  }

  /** `docker-options:add|remove|clear <app> build …`: only `--build-arg NAME=VALUE` (VALUE may name config vars). */
  changeOptions(app: string, change: { add?: unknown[]; remove?: unknown[]; clear?: boolean }, user: string | null): string[] {
    this.requireApp(app);
    let options = change.clear ? [] : this.report(app)['docker-options-build'];
    for (const o of change.remove ?? []) options = options.filter((x) => x !== o);
    for (const o of change.add ?? []) {
      if (typeof o !== 'string' || !BUILD_ARG.test(o.trim())) {
        throw new BerthError('INVALID_BUILD_SETTING', `docker-options for the build phase take --build-arg NAME=VALUE only (VALUE may use $CONFIG_VAR); got ${JSON.stringify(String(o).slice(0, 80))}.`);
      }
      if (!options.includes(o.trim())) options.push(o.trim());
    }
    this.deps.store.buildSettings.apply(app, options.length ? { [OPTIONS_KEY]: JSON.stringify(options) } : {}, options.length ? [] : [OPTIONS_KEY]);
    // Names only: a literal value is often a token, and every role that sees the app reads its events.
    const names = options.map((o) => BUILD_ARG.exec(o)?.[1]).filter(Boolean).map((n) => `--build-arg ${n}`);
    this.deps.events.record({ app, kind: 'config.changed', message: `docker-options build: ${names.join(' ') || 'none'}`, user });
    return options;
  }

  /** What a build of the app uses; `$VAR`/`${VAR}` in build args come from its config (unset: empty). */
  resolve(app: string, config: Readonly<Record<string, string>>): ResolvedBuildSettings {
    const r = this.report(app);
    const buildArgs: Record<string, string> = {};
    for (const o of r['docker-options-build']) {
      const m = BUILD_ARG.exec(o)!;
      buildArgs[m[1]] = m[2].replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_all, a?: string, b?: string) => config[(a ?? b)!] ?? '');
    }
    return { dockerfilePath: r['dockerfile-path'], buildDir: r['build-dir'], buildkit: r.buildkit, buildArgs };
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
