import fs from 'node:fs';
import path from 'node:path';
import { parseEnvFile } from './env-file';

/**
 * A copy of a dokku host's state, read from files laid out as dokku keeps them:
 * `home/dokku/<app>/` (DOKKU_ROOT: the app's bare git repo plus ENV, VHOST, DOKKU_SCALE,
 * DOCKER_OPTIONS_*, tls/, letsencrypt/) and `var/lib/dokku/` (DOKKU_LIB_ROOT: `config/<plugin>/<app>/<property>`
 * files and `services/<plugin>/<name>/` of the datastore plugins). Nothing here changes berth:
 * apply-plan.ts carries the result over. Whatever is read but has no place in berth is named
 * in `notes`, so the report can say so.
 */
export interface DokkuApp {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly vhosts: readonly string[];
  /** `scheme:host:container`, as `ports:set` takes them. */
  readonly ports: readonly string[];
  readonly scale: Readonly<Record<string, number>>;
  /** nginx properties by dokku's name (`client-max-body-size` → `50m`). */
  readonly nginx: Readonly<Record<string, string>>;
  readonly restartPolicy?: string;
  /** Process types whose checks dokku disables / skips (`_all_` for every one). */
  readonly checksDisabled: readonly string[];
  readonly checksSkipped: readonly string[];
  /** `-v source:target` of the deploy phase. */
  readonly mounts: readonly { source: string; target: string }[];
  /** Other docker options, which berth does not take. */
  readonly dockerOptions: readonly string[];
  readonly deployBranch: string;
  /** The app's bare repo (its dokku app dir) when it holds the deploy branch. */
  readonly repo?: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly letsencrypt: boolean;
  readonly notes: readonly string[];
}

export interface DokkuService {
  readonly plugin: string;
  readonly name: string;
  readonly links: readonly string[];
  /** `dokku <plugin>:export <name>`'s output, saved as `<name>.dump` in the service's directory. */
  readonly dump?: string;
  readonly image?: string;
}

export interface DokkuHost {
  readonly apps: readonly DokkuApp[];
  readonly services: readonly DokkuService[];
  readonly notes: readonly string[];
}

/** The datastore plugins berth has a counterpart of (same name). */
export const SERVICE_PLUGINS = ['postgres', 'redis', 'mariadb'] as const;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The copy's real path while readDokkuHost runs, and the symlinks out of it met on the way. A copy
 * comes from another host (over ssh, or a tarball): a symlink in it (`ENV -> /root/.ssh/id_rsa`,
 * `tls/server.key -> /etc/…`) must never make a file of this machine an app's config, certificate
 * or data, so every read resolves the path and refuses what lands outside the copy.
 */
let confinedTo: string | null = null;
let escapes: string[] = [];
const inside = (p: string): boolean => {
  let real: string;
  try { real = fs.realpathSync(p); } catch { return false; }
  if (confinedTo && (real === confinedTo || real.startsWith(confinedTo + path.sep))) return true;
  if (confinedTo && !escapes.includes(p)) escapes.push(p);
  return false;
};
const readText = (file: string): string | undefined => {
  if (!inside(file)) return undefined;
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
};
const lines = (text: string | undefined): string[] => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
const isDir = (p: string): boolean => { try { return inside(p) && fs.statSync(p).isDirectory(); } catch { return false; } };
const isFile = (p: string): boolean => { try { return inside(p) && fs.statSync(p).isFile(); } catch { return false; } };
const listDir = (p: string): string[] => { try { return inside(p) ? fs.readdirSync(p).sort() : []; } catch { return []; } };
/** Whether a folder (an app's bare repo, which git reads whole) holds a symlink anywhere below it. */
const holdsSymlink = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true })
  .some((e) => e.isSymbolicLink() || (e.isDirectory() && holdsSymlink(path.join(dir, e.name))));

/** `<copy>/home/dokku` and `<copy>/var/lib/dokku`; either may be missing (then nothing of it is read). */
export function dokkuRoots(copy: string): { home: string; lib: string } {
  return { home: path.join(copy, 'home', 'dokku'), lib: path.join(copy, 'var', 'lib', 'dokku') };
}

export function readDokkuHost(copy: string): DokkuHost {
  try { confinedTo = fs.realpathSync(copy); } catch { confinedTo = path.resolve(copy); }
  escapes = [];
  try {
    const host = readConfined(copy);
    const outside = escapes.map((p) => `${path.relative(copy, p)}: a symlink out of the copy; not read`);
    return { ...host, notes: [...host.notes, ...outside] };
  } finally {
    confinedTo = null;
    escapes = [];
  }
}

function readConfined(copy: string): DokkuHost {
  const { home, lib } = dokkuRoots(copy);
  const notes: string[] = [];
  if (!isDir(home) && !isDir(lib)) {
    throw new Error(`${copy} holds neither home/dokku nor var/lib/dokku: give the folder a copy of the dokku host was made into (see docs/migrating-from-dokku.md)`);
  }
  const prop = (plugin: string, app: string, name: string): string | undefined => readText(path.join(lib, 'config', plugin, app, name))?.trim();
  const globalBranch = prop('git', '--global', 'deploy-branch');
  if (readText(path.join(home, 'ENV'))?.trim()) notes.push('global ENV (dokku config:set --global): berth has no global variables; set them on each app');
  const apps: DokkuApp[] = [];
  for (const name of listDir(home)) {
    const dir = path.join(home, name);
    // dokku's own rule for what is an app: a folder, not hidden, not starting upper-case; `tls` is the global certificate.
    if (!isDir(dir) || name.startsWith('.') || /^[A-Z]/.test(name) || name === 'tls') continue;
    if (!NAME.test(name)) { notes.push(`app "${name}": not a valid berth app name (lowercase letters, digits, dashes); skipped`); continue; }
    apps.push(readApp({ name, dir, prop, globalBranch }));
  }
  const services: DokkuService[] = [];
  for (const plugin of listDir(path.join(lib, 'services'))) {
    const pdir = path.join(lib, 'services', plugin);
    if (!(SERVICE_PLUGINS as readonly string[]).includes(plugin)) {
      if (isDir(pdir) && listDir(pdir).length) notes.push(`${plugin} services (${listDir(pdir).join(', ')}): berth has no ${plugin} plugin built in; not carried over`);
      continue;
    }
    for (const name of listDir(pdir)) {
      const sdir = path.join(pdir, name);
      if (!isDir(sdir)) continue;
      if (!NAME.test(name)) { notes.push(`${plugin} service "${name}": not a valid berth service name; skipped`); continue; }
      const dump = path.join(sdir, `${name}.dump`);
      const image = readText(path.join(sdir, 'IMAGE'))?.trim();
      const version = readText(path.join(sdir, 'IMAGE_VERSION'))?.trim();
      services.push({
        plugin, name, links: lines(readText(path.join(sdir, 'LINKS'))),
        dump: isFile(dump) ? dump : undefined,
        image: image ? `${image}${version ? `:${version}` : ''}` : undefined,
      });
    }
  }
  return { apps, services, notes };
}

interface AppSource {
  readonly name: string;
  readonly dir: string;
  readonly prop: (plugin: string, app: string, name: string) => string | undefined;
  readonly globalBranch?: string;
}

function readApp(s: AppSource): DokkuApp {
  const { name, dir, prop } = s;
  const notes: string[] = [];
  const env = parseEnvFile(readText(path.join(dir, 'ENV')) ?? '');
  for (const line of env.unread) notes.push(`ENV line not read: ${line.slice(0, 60)}`);
  const vars = { ...env.vars };
  // dokku's own variables (DOKKU_*) are its settings, not the app's; berth keeps its own.
  for (const k of Object.keys(vars)) if (k.startsWith('DOKKU_')) { delete vars[k]; }
  const list = (plugin: string, p: string) => lines(prop(plugin, name, p));
  const { mounts, other } = readDockerOptions(dir, list('docker-options', '_default_.deploy'));
  const deployBranch = prop('git', name, 'deploy-branch') || s.globalBranch || 'master';
  const hasBranch = isFile(path.join(dir, 'refs', 'heads', deployBranch)) || (readText(path.join(dir, 'packed-refs')) ?? '').split('\n').some((l) => l.endsWith(` refs/heads/${deployBranch}`));
  const repoWithSymlink = hasBranch && holdsSymlink(dir);
  if (repoWithSymlink) notes.push('git repo: holds a symlink, which git would follow out of the copy; not pushed');
  const tlsCert = path.join(dir, 'tls', 'server.crt');
  const tlsKey = path.join(dir, 'tls', 'server.key');
  return {
    name,
    env: vars,
    vhosts: lines(readText(path.join(dir, 'VHOST'))),
    ports: list('ports', 'map').flatMap((l) => l.split(/\s+/)),
    scale: readScale([...lines(readText(path.join(dir, 'DOKKU_SCALE'))), ...list('ps', 'scale')], notes),
    nginx: readNginx(name, prop),
    restartPolicy: prop('ps', name, 'restart-policy') || undefined,
    checksDisabled: (prop('checks', name, 'disabled') ?? '').split(',').filter(Boolean),
    checksSkipped: (prop('checks', name, 'skipped') ?? '').split(',').filter(Boolean),
    mounts,
    dockerOptions: other,
    deployBranch,
    repo: isFile(path.join(dir, 'HEAD')) && isDir(path.join(dir, 'objects')) && hasBranch && !repoWithSymlink ? dir : undefined,
    tls: isFile(tlsCert) && isFile(tlsKey) ? { certFile: tlsCert, keyFile: tlsKey } : undefined,
    letsencrypt: isDir(path.join(dir, 'letsencrypt')) || Boolean(env.vars.DOKKU_LETSENCRYPT_EMAIL) || Boolean(prop('letsencrypt', name, 'email')),
    notes,
  };
}

/** DOKKU_SCALE (older dokku) and the `ps` scale property: `web=1` lines; the property wins. */
function readScale(entries: readonly string[], notes: string[]): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const e of entries) {
    const m = /^([a-z0-9][a-z0-9-]*)=(\d+)$/.exec(e);
    if (m) scale[m[1]] = Number(m[2]);
    else notes.push(`scale entry not read: ${e.slice(0, 60)}`);
  }
  return scale;
}

function readNginx(app: string, prop: AppSource['prop']): Record<string, string> {
  const out: Record<string, string> = {};
  // Only files a property writes: dokku keeps other state (e.g. the computed port) there too.
  for (const key of NGINX_PROPERTIES) {
    const v = prop('nginx', app, key);
    if (v) out[key] = v;
  }
  return out;
}

/** dokku's nginx:set properties (docs/networking/proxies/nginx.md). */
export const NGINX_PROPERTIES = [
  'access-log-format', 'access-log-path', 'bind-address-ipv4', 'bind-address-ipv6', 'client-body-timeout', 'client-header-timeout',
  'client-max-body-size', 'error-log-path', 'hsts', 'hsts-include-subdomains', 'hsts-max-age', 'hsts-preload', 'keepalive-timeout',
  'lingering-timeout', 'nginx-conf-sigil-path', 'proxy-buffer-size', 'proxy-buffering', 'proxy-buffers', 'proxy-busy-buffers-size',
  'proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout', 'send-timeout', 'underscore-in-headers', 'x-forwarded-for-value',
  'x-forwarded-port-value', 'x-forwarded-proto-value', 'x-forwarded-ssl',
] as const;

/** `-v a:b` lines (DOCKER_OPTIONS_DEPLOY of older dokku, the docker-options property of newer) and the rest. */
function readDockerOptions(dir: string, property: readonly string[]): { mounts: { source: string; target: string }[]; other: string[] } {
  const mounts: { source: string; target: string }[] = [];
  const other: string[] = [];
  for (const line of [...lines(readText(path.join(dir, 'DOCKER_OPTIONS_DEPLOY'))), ...property]) {
    if (line.startsWith('#')) continue;
    const m = /^(?:-v|--volume)[ =](\S+)$/.exec(line);
    const parts = m?.[1].split(':');
    if (parts && parts.length >= 2 && parts[1].startsWith('/')) {
      if (!mounts.some((x) => x.target === parts[1])) mounts.push({ source: parts[0], target: parts[1] });
    } else if (!other.includes(line)) other.push(line);
  }
  return { mounts, other };
}
