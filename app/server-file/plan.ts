import { BerthError } from '../errors';
import { KEEP, type AppSpec, type CurrentDoc, type MountSpecEntry, type OpenDoc } from './document';

/** One change apply makes, as data (server-file-service.ts runs it through the verb's service). */
export type ChangeAction =
  | { readonly kind: 'plugin'; readonly id: string; readonly enabled: boolean }
  | { readonly kind: 'globalDomains'; readonly add: readonly string[]; readonly remove: readonly string[] }
  | { readonly kind: 'app.nginx'; readonly app: string; readonly set: Readonly<Record<string, string>>; readonly unset: readonly string[] }
  | { readonly kind: 'service.create'; readonly plugin: string; readonly name: string }
  | { readonly kind: 'app.create'; readonly app: string }
  | { readonly kind: 'app.deployBranch' | 'app.builder' | 'app.buildpack' | 'app.restartPolicy'; readonly app: string; readonly value: string }
  | { readonly kind: 'app.buildSetting'; readonly app: string; readonly key: 'dockerfile-path' | 'build-dir' | 'buildkit'; readonly value: string | null }
  | { readonly kind: 'app.buildOptions'; readonly app: string; readonly options: readonly string[] }
  | { readonly kind: 'app.resources'; readonly app: string; readonly memoryMb: number | null; readonly cpus: number | null }
  | { readonly kind: 'app.checks'; readonly app: string; readonly disabled: readonly string[]; readonly skipped: readonly string[] }
  | { readonly kind: 'app.config'; readonly app: string; readonly set: Readonly<Record<string, string>>; readonly unset: readonly string[] }
  | { readonly kind: 'app.ports'; readonly app: string; readonly ports: readonly string[] }
  | { readonly kind: 'app.mount' | 'app.unmount'; readonly app: string; readonly mount: MountSpecEntry }
  | { readonly kind: 'app.scale'; readonly app: string; readonly scale: Readonly<Record<string, number>> }
  | { readonly kind: 'app.domains'; readonly app: string; readonly domains: readonly string[] }
  | { readonly kind: 'service.unlink'; readonly plugin: string; readonly name: string; readonly app: string }
  | { readonly kind: 'service.link'; readonly plugin: string; readonly name: string; readonly app: string; readonly alias: string };

/** A change and the line the diff shows for it (`+` adds, `~` changes, `-` removes). Never a secret's value. */
export interface Change {
  readonly text: string;
  readonly action: ChangeAction;
}

/** What a new app has before anything is set on it (the apps table's defaults). */
const FRESH_APP: AppSpec<string> = {
  deployBranch: 'main', builder: 'auto', buildpack: 'auto', restartPolicy: 'unless-stopped',
  build: { dockerfilePath: 'Dockerfile', buildDir: null, buildkit: true, options: '' },
  resources: { memoryMb: null, cpus: null }, checks: { disabled: [], skipped: [] },
  config: {}, ports: [], scale: {}, storage: [], nginx: {}, domains: [],
};

/**
 * The changes that make the server (`current`, complete) what the file (`desired`, any part of
 * it) says, in the order they can be made: plugins, services, apps, each app's settings, its
 * domains (after every app exists, so a domain moving between apps is checked against the file's
 * owner), then links (after both ends exist; unlinks before links, so an alias can move).
 * Empty when the server already matches: a second apply changes nothing.
 */
export function planChanges(current: CurrentDoc, desired: OpenDoc): Change[] {
  const out: Change[] = [];
  const add = (text: string, action: ChangeAction) => out.push({ text, action });

  for (const [id, spec] of Object.entries(desired.plugins ?? {})) {
    const now = current.plugins?.[id];
    if (!now || now.enabled !== spec.enabled) add(`~ plugin ${id}: ${spec.enabled ? 'enabled' : 'disabled'}`, { kind: 'plugin', id, enabled: spec.enabled });
  }
  const globals = desired.settings?.globalDomains;
  if (globals !== undefined) {
    const now = current.settings?.globalDomains ?? [];
    const addG = globals.filter((g) => !now.includes(g));
    const removeG = now.filter((g) => !globals.includes(g));
    if (addG.length || removeG.length) add(`~ settings globalDomains: ${setDiff(now, globals)}`, { kind: 'globalDomains', add: addG, remove: removeG });
  }
  for (const [plugin, services] of Object.entries(desired.services ?? {})) {
    for (const name of Object.keys(services)) {
      if (!current.services?.[plugin]?.[name]) add(`+ ${plugin} service ${name}`, { kind: 'service.create', plugin, name });
    }
  }
  const appsNow = current.apps ?? {};
  const desiredApps = Object.entries(desired.apps ?? {});
  for (const [app] of desiredApps) if (!appsNow[app]) add(`+ app ${app}`, { kind: 'app.create', app });
  for (const [app, spec] of desiredApps) appSettings(app, appsNow[app] ?? FRESH_APP, spec, add);
  for (const [app, spec] of desiredApps) {
    if (spec.domains === undefined) continue;
    const now = appsNow[app]?.domains ?? [];
    if (!sameSet(now, spec.domains)) add(`~ app ${app} domains: ${setDiff(now, spec.domains)}`, { kind: 'app.domains', app, domains: [...spec.domains] });
  }
  const links: Change[] = [];
  for (const [plugin, services] of Object.entries(desired.services ?? {})) {
    for (const [name, spec] of Object.entries(services)) {
      if (spec.links === undefined) continue;
      const now = current.services?.[plugin]?.[name]?.links ?? {};
      for (const [app, alias] of Object.entries(now)) {
        if (spec.links[app] !== alias) add(`- ${plugin} service ${name} link to ${app} (${alias})`, { kind: 'service.unlink', plugin, name, app });
      }
      for (const [app, alias] of Object.entries(spec.links)) {
        if (now[app] !== alias) links.push({ text: `+ ${plugin} service ${name} linked to ${app} as ${alias}`, action: { kind: 'service.link', plugin, name, app, alias } });
      }
    }
  }
  return [...out, ...links];
}

type Add = (text: string, action: ChangeAction) => void;

function appSettings(app: string, now: AppSpec<string>, want: AppSpec<typeof KEEP | string>, add: Add): void {
  for (const key of ['deployBranch', 'builder', 'buildpack', 'restartPolicy'] as const) {
    const value = want[key];
    if (value !== undefined && value !== now[key]) add(`~ app ${app} ${key}: ${now[key] ?? '-'} → ${value}`, { kind: `app.${key}`, app, value });
  }
  if (want.build) {
    const b = want.build;
    const was = now.build ?? {};
    const setting = (key: 'dockerfile-path' | 'build-dir' | 'buildkit', to: string | null, from: string | null) => {
      if (to !== from) add(`~ app ${app} build ${key}: ${from ?? '-'} → ${to ?? '-'}`, { kind: 'app.buildSetting', app, key, value: to });
    };
    if (b.dockerfilePath !== undefined) setting('dockerfile-path', b.dockerfilePath, was.dockerfilePath ?? 'Dockerfile');
    if (b.buildDir !== undefined) setting('build-dir', b.buildDir, was.buildDir ?? null);
    if (b.buildkit !== undefined) setting('buildkit', String(b.buildkit), String(was.buildkit ?? true));
    if (b.options !== undefined && b.options !== KEEP && b.options !== (was.options ?? '')) {
      add(`~ app ${app} build options (docker-options build)`, { kind: 'app.buildOptions', app, options: b.options.split('\n').filter(Boolean) });
    }
  }
  if (want.resources) {
    const memoryMb = want.resources.memoryMb === undefined ? now.resources?.memoryMb ?? null : want.resources.memoryMb;
    const cpus = want.resources.cpus === undefined ? now.resources?.cpus ?? null : want.resources.cpus;
    if (memoryMb !== (now.resources?.memoryMb ?? null) || cpus !== (now.resources?.cpus ?? null)) {
      add(`~ app ${app} resources: memory ${memoryMb === null ? 'no limit' : `${memoryMb}m`}, cpus ${cpus ?? 'no limit'}`, { kind: 'app.resources', app, memoryMb, cpus });
    }
  }
  if (want.checks) {
    const disabled = want.checks.disabled ?? now.checks?.disabled ?? [];
    const skipped = want.checks.skipped ?? now.checks?.skipped ?? [];
    if (!sameSet(disabled, now.checks?.disabled ?? []) || !sameSet(skipped, now.checks?.skipped ?? [])) {
      add(`~ app ${app} checks: disabled ${disabled.join(',') || 'none'}, skipped ${skipped.join(',') || 'none'}`, { kind: 'app.checks', app, disabled, skipped });
    }
  }
  if (want.config) {
    const before = now.config ?? {};
    const set: Record<string, string> = {};
    for (const [key, value] of Object.entries(want.config)) {
      if (value === KEEP) {
        if (before[key] === undefined) {
          throw new BerthError('SERVER_FILE_SECRET_MISSING', `apps.${app}.config.${key} is { keep: true }, but ${app} has no ${key} here to keep: export with a passphrase (or set it: berth config:set ${app} ${key}=…).`);
        }
      } else if (before[key] !== value) set[key] = value;
    }
    const unset = Object.keys(before).filter((k) => !(k in want.config!));
    if (Object.keys(set).length || unset.length) {
      // Names only: the diff is printed, and the values are secrets.
      const words = [...Object.keys(set).map((k) => `${k in before ? '~' : '+'}${k}`), ...unset.map((k) => `-${k}`)];
      add(`~ app ${app} config: ${words.join(' ')}`, { kind: 'app.config', app, set, unset });
    }
  }
  if (want.ports !== undefined && !sameList(want.ports, now.ports ?? [])) {
    add(`~ app ${app} ports: ${want.ports.join(' ') || 'none'}`, { kind: 'app.ports', app, ports: [...want.ports] });
  }
  if (want.storage !== undefined) {
    const key = (m: MountSpecEntry) => `${m.volume !== undefined ? `volume ${m.volume}` : `folder ${m.folder}`}:${m.path}`;
    const have = new Map((now.storage ?? []).map((m) => [key(m), m]));
    const wanted = new Map(want.storage.map((m) => [key(m), m]));
    for (const [k, m] of have) if (!wanted.has(k)) add(`- app ${app} storage ${k}`, { kind: 'app.unmount', app, mount: m });
    for (const [k, m] of wanted) if (!have.has(k)) add(`+ app ${app} storage ${k}`, { kind: 'app.mount', app, mount: m });
  }
  if (want.nginx !== undefined) {
    const before = now.nginx ?? {};
    const set = Object.fromEntries(Object.entries(want.nginx).filter(([k, v]) => before[k] !== v));
    const unset = Object.keys(before).filter((k) => !(k in want.nginx!));
    if (Object.keys(set).length || unset.length) {
      add(`~ app ${app} nginx: ${[...Object.entries(set).map(([k, v]) => `${k}=${v}`), ...unset.map((k) => `-${k}`)].join(' ')}`, { kind: 'app.nginx', app, set, unset });
    }
  }
  if (want.scale !== undefined) {
    const changed = Object.entries(want.scale).filter(([type, n]) => (now.scale ?? {})[type] !== n);
    if (changed.length) add(`~ app ${app} scale: ${changed.map(([t, n]) => `${t}=${n}`).join(' ')}`, { kind: 'app.scale', app, scale: Object.fromEntries(changed) });
  }
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && new Set([...a, ...b]).size === new Set(a).size;
const sameList = (a: readonly string[], b: readonly string[]): boolean => sameSet(a, b) && a.length === b.length;
function setDiff(now: readonly string[], want: readonly string[]): string {
  return [...want.filter((d) => !now.includes(d)).map((d) => `+${d}`), ...now.filter((d) => !want.includes(d)).map((d) => `-${d}`)].join(' ');
}
