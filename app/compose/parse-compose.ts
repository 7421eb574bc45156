import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BerthError } from '../errors';
import { isProcessType } from '../naming';
import type { HealthCheck } from '../manifest';
import type { ComposeBuild, ComposeDir, ComposePlan, ComposeService, ComposeVolume, DependsCondition } from '../manifest/compose-plan';
import { interpolateCompose } from './interpolate';
import { NOT_SUPPORTED, REFUSED_SERVICE_KEYS, REFUSED_TOP_KEYS } from './compose-refusals';
import { containerPort, invalidCompose, isObject, mapOrList, parseDuration, parseEnvFile, repoPath, shellWords, type Obj } from './compose-fields';
import { composeHealthCheck } from './compose-healthcheck';
import { startOrder } from './start-order';

/** Looked for at the repo's root, in this order (compose's own order of preference). */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** Compose files are small; a bigger one is refused before the YAML parser sees it. */
const MAX_BYTES = 256 * 1024;
const VOLUME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/;
const WEB_LABEL = 'berth.web';

const HONOURED = new Set(['image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'depends_on', 'healthcheck',
  'volumes', 'ports', 'expose', 'labels', 'deploy', 'restart', 'working_dir', 'user']);

export interface ParsedCompose {
  readonly plan: ComposePlan;
  /** Process type → its startup check (the service's healthcheck). */
  readonly healthchecks: Record<string, HealthCheck[]>;
  /** Process type → count (deploy.replicas, else 1: compose starts every service). */
  readonly formation: Record<string, number>;
  /** Said in the build log: what berth did with keys it honours differently from docker compose. */
  readonly notes: string[];
}

export function findComposeFile(has: (path: string) => boolean): string | null {
  return COMPOSE_FILES.find((f) => has(f)) ?? null;
}

/**
 * Parses and checks a compose file. Malformed input fails with INVALID_COMPOSE at the first
 * problem; keys berth does not honour are all collected and refused at once (COMPOSE_UNSUPPORTED),
 * each with its reason, so one push shows everything to change.
 */
/**
 * `storageRoot`: the app's storage folder (`$BERTH_HOME/storage/<app id>`), for absolute bind
 * sources inside it; without it only relative ones (read as relative to that folder) can pass.
 * `vars`: the app's config vars, the one source of `${VAR}` interpolation (interpolate.ts).
 */
export function parseCompose(text: string, file: string, readRepoFile: (path: string) => string | null, storageRoot: string | null = null,
  vars: Readonly<Record<string, string>> = {}): ParsedCompose {
  if (Buffer.byteLength(text) > MAX_BYTES) throw invalidCompose(file, `is larger than ${MAX_BYTES / 1024} KiB`);
  let doc: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); merge keys (<<) as compose allows them.
    doc = parseYaml(text, { maxAliasCount: 100, merge: true, prettyErrors: false });
  } catch (e) {
    if (e instanceof RangeError) throw invalidCompose(file, 'nested too deeply to read');
    throw invalidCompose(file, `not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(doc)) throw invalidCompose(file, 'the top level must be a map with `services:`');
  doc = interpolateCompose(doc, vars, file) as Obj;
  if (!isObject(doc)) throw invalidCompose(file, 'the top level must be a map with `services:`');
  const refused: string[] = [];
  for (const key of Object.keys(doc)) {
    if (key === 'services' || key === 'volumes' || key === 'name' || key === 'version' || key.startsWith('x-')) continue;
    refused.push(`${key}: ${REFUSED_TOP_KEYS[key] ?? NOT_SUPPORTED}`);
  }
  const volumes = topVolumes(doc.volumes, file, refused);
  if (!isObject(doc.services) || Object.keys(doc.services).length === 0) throw invalidCompose(file, '`services:` must be a map of at least one service');
  const ctx: Ctx = { file, refused, volumes, readRepoFile, notes: [], storageRoot };
  const entries = Object.entries(doc.services);
  const web = pickWeb(entries, ctx);
  const services: ComposeService[] = [];
  const healthchecks: Record<string, HealthCheck[]> = {};
  const formation: Record<string, number> = {};
  let webPort: number | null = null;
  const builds: { type: string; key: string; build: ComposeBuild }[] = [];
  for (const [name, raw] of entries) {
    if (!isObject(raw)) throw invalidCompose(file, `services.${name} must be a map`);
    const where = `services.${name}`;
    const type = name === web ? 'web' : name;
    if (!isProcessType(name)) throw invalidCompose(file, `service name "${name}" must be lowercase letters, digits and dashes (it becomes a process type)`);
    if (name === 'web' && web !== 'web') throw invalidCompose(file, `service "web" is not the web service (that is "${web}"): rename it, or label it ${WEB_LABEL}: "true"`);
    if (name === 'release') throw invalidCompose(file, 'service name "release" is berth\'s release command type: rename the service');
    for (const key of Object.keys(raw)) {
      if (!HONOURED.has(key) && !key.startsWith('x-')) refused.push(`${where}.${key}: ${REFUSED_SERVICE_KEYS[key] ?? NOT_SUPPORTED}`);
    }
    const build = buildOf(raw.build, where, ctx);
    if (build) builds.push({ type, key: JSON.stringify(build), build });
    const image = build ? null : imageOf(raw.image, where, ctx);
    if (!build && image === null && (raw.build === undefined || raw.build === null)) throw invalidCompose(file, `${where} needs an \`image:\` or a \`build:\``);
    const port = portOf(raw, where, name === web, ctx);
    if (name === web) webPort = port;
    const check = composeHealthCheck(raw.healthcheck, `${where}.healthcheck`, ctx);
    if (check) healthchecks[type] = [check];
    formation[type] = replicasOf(raw.deploy, where, ctx);
    restartOf(raw.restart, where, ctx);
    const { volumes, dirs } = volumesOf(raw.volumes, where, ctx);
    // berth's named volumes are one docker volume per app: replicas would share one data folder.
    // Read-only mounts (`:ro`) can be shared: only a writer would corrupt the data of another.
    if (formation[type] > 1 && [...volumes, ...dirs].some((m) => !m.readOnly)) refused.push(`${where}.deploy.replicas: ${formation[type]} containers would share one data volume; a service with named volumes runs at most 1 (unless every one is mounted :ro)`);
    services.push({
      name, type, image,
      command: argv(raw.command, `${where}.command`, file),
      entrypoint: argv(raw.entrypoint, `${where}.entrypoint`, file),
      environment: environmentOf(raw, where, ctx),
      workingDir: optionalString(raw.working_dir, `${where}.working_dir`, file),
      user: optionalString(raw.user === undefined ? undefined : String(raw.user), `${where}.user`, file),
      volumes,
      dirs,
      dependsOn: dependsOf(raw.depends_on, where, ctx),
    });
    labelsOf(raw.labels, where, ctx);
  }
  const oneShots = oneShotsOf(services, entries, ctx);
  if (refused.length) {
    throw new BerthError('COMPOSE_UNSUPPORTED', `${file} asks for what berth does not honour:\n${refused.map((r) => `  - ${r}`).join('\n')}`);
  }
  const byName = new Map(services.map((s) => [s.name, s]));
  for (const s of services) {
    for (const d of s.dependsOn) {
      const dep = byName.get(d.service);
      if (!dep) throw invalidCompose(file, `services.${s.name}.depends_on names "${d.service}", which is not a service of the file`);
      if (d.condition === 'service_healthy' && !healthchecks[dep.type]) throw invalidCompose(file, `services.${s.name}.depends_on.${d.service} waits for service_healthy, but "${d.service}" has no healthcheck`);
    }
  }
  const order = startOrder(services.map((s) => ({ name: s.name, after: s.dependsOn.map((d) => d.service) })), file).map((n) => byName.get(n)!.type);
  // One image per distinct build: the release's is the web service's build, else the file's first.
  const groups = new Map<string, { build: ComposeBuild; types: string[] }>();
  const primary = builds.find((b) => b.type === 'web') ?? builds[0];
  for (const b of primary ? [primary, ...builds] : []) {
    const g = groups.get(b.key) ?? { build: b.build, types: [] };
    if (!g.types.includes(b.type)) g.types.push(b.type);
    groups.set(b.key, g);
  }
  const own = new Set(builds.filter((b) => b.key !== primary?.key).map((b) => b.type));
  // A one-shot (no healthcheck or deploy: refused above) is no process type: no count.
  for (const name of oneShots) delete formation[byName.get(name)!.type];
  const plan: ComposePlan = {
    file, order, webPort,
    services: Object.fromEntries(order.map((t) => {
      const s = services.find((x) => x.type === t)!;
      return [t, { ...s, ...(own.has(t) ? { ownImage: true } : {}), ...(oneShots.has(s.name) ? { oneShot: true } : {}) }];
    })),
    build: primary?.build ?? null,
    builds: [...groups.values()],
  };
  return { plan, healthchecks, formation, notes: ctx.notes };
}

/**
 * Services another waits for with `condition: service_completed_successfully`: they run once per
 * deploy (migrations, seeds), so they cannot be the web service nor hold a replica count or checks.
 */
function oneShotsOf(services: readonly ComposeService[], entries: readonly [string, unknown][], ctx: Ctx): Set<string> {
  const names = new Set(services.flatMap((s) => s.dependsOn.filter((d) => d.condition === 'service_completed_successfully').map((d) => d.service)));
  for (const s of services) {
    if (!names.has(s.name)) continue;
    if (s.type === 'web') ctx.refused.push(`services.${s.name}: the web service runs until stopped; it cannot be waited for with service_completed_successfully`);
    // Never dropped silently: a one-shot runs once per deploy, unchecked and uncounted.
    const raw = entries.find(([n]) => n === s.name)?.[1];
    for (const key of ['healthcheck', 'deploy'] as const) {
      if (isObject(raw) && raw[key] !== undefined) ctx.refused.push(`services.${s.name}.${key}: ${s.name} runs once per deploy (another service waits for it with service_completed_successfully), so it has no ${key === 'healthcheck' ? 'health check' : 'replica count'}; remove it`);
    }
  }
  return names;
}

export interface Ctx {
  readonly file: string;
  readonly refused: string[];
  readonly notes: string[];
  readonly volumes: ReadonlySet<string>;
  readonly readRepoFile: (path: string) => string | null;
  readonly storageRoot: string | null;
}

function topVolumes(v: unknown, file: string, refused: string[]): Set<string> {
  if (v === undefined || v === null) return new Set();
  if (!isObject(v)) throw invalidCompose(file, '`volumes:` must be a map of volume names');
  for (const [name, spec] of Object.entries(v)) {
    if (!VOLUME.test(name)) throw invalidCompose(file, `volume name "${name}" must be lowercase letters, digits, ., _ and -`);
    if (spec === null || (isObject(spec) && Object.keys(spec).length === 0)) continue;
    if (!isObject(spec)) throw invalidCompose(file, `volumes.${name} must be a map`);
    for (const key of Object.keys(spec)) {
      refused.push(`volumes.${name}.${key}: ${key === 'external' ? 'volumes outside the app are not mounted; berth makes the app\'s own' : 'berth makes plain local volumes (driver options could mount host paths)'}`);
    }
  }
  return new Set(Object.keys(v));
}

/** The web service: the one labelled berth.web=true, else the one named web, else the first with `ports` or `expose`, else none. */
function pickWeb(entries: [string, unknown][], ctx: Ctx): string | null {
  const labelled = entries.filter(([, s]) => isObject(s) && mapOrList(s.labels, 'labels', ctx.file).some(([k, v]) => k === WEB_LABEL && v === 'true'));
  if (labelled.length > 1) throw invalidCompose(ctx.file, `only one service may be labelled ${WEB_LABEL}: "true" (${labelled.map(([n]) => n).join(', ')} are)`);
  if (labelled.length === 1) return labelled[0][0];
  if (entries.some(([n]) => n === 'web')) return 'web';
  return entries.find(([, s]) => isObject(s) && (s.ports !== undefined || s.expose !== undefined))?.[0] ?? null;
}

function buildOf(v: unknown, where: string, ctx: Ctx): ComposePlan['build'] {
  if (v === undefined || v === null) return null;
  const spec: Obj = typeof v === 'string' ? { context: v } : isObject(v) ? v : {};
  if (!isObject(v) && typeof v !== 'string') throw invalidCompose(ctx.file, `${where}.build must be a path or a map`);
  for (const key of Object.keys(spec)) {
    if (!['context', 'dockerfile', 'args'].includes(key)) ctx.refused.push(`${where}.build.${key}: ${NOT_SUPPORTED}`);
  }
  const context = repoPath(String(spec.context ?? '.'));
  if (context === null || /^[a-z]+:\/\//i.test(String(spec.context))) {
    ctx.refused.push(`${where}.build.context: "${String(spec.context)}" is outside the repo; berth builds from the pushed repo only`);
    return null;
  }
  const dockerfile = repoPath(String(spec.dockerfile ?? 'Dockerfile'));
  if (dockerfile === null) {
    ctx.refused.push(`${where}.build.dockerfile: "${String(spec.dockerfile)}" is outside the build context`);
    return null;
  }
  const args: Record<string, string> = {};
  for (const [k, val] of mapOrList(spec.args, `${where}.build.args`, ctx.file)) if (val !== null) args[k] = val;
  return { context, dockerfile, args };
}

function imageOf(v: unknown, where: string, ctx: Ctx): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !IMAGE.test(v)) throw invalidCompose(ctx.file, `${where}.image must be an image name like name[:tag]`);
  return v;
}

/** The web service's port goes to berth's router; no service publishes a port on the host. */
function portOf(raw: Obj, where: string, isWeb: boolean, ctx: Ctx): number | null {
  const ports = new Set<number>();
  for (const key of ['ports', 'expose'] as const) {
    const list = raw[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw invalidCompose(ctx.file, `${where}.${key} must be a list`);
    for (const entry of list) {
      const p = containerPort(entry);
      if (!p) throw invalidCompose(ctx.file, `${where}.${key} entry ${JSON.stringify(entry)} is not a port`);
      if (p.protocol !== 'tcp') { ctx.refused.push(`${where}.${key} ${JSON.stringify(entry)}: berth's router proxies HTTP over TCP only`); continue; }
      if (!isWeb && key === 'ports') { ctx.refused.push(`${where}.ports ${JSON.stringify(entry)}: only the web service is reachable from outside, through berth's router; other services are reached by name on the app network`); continue; }
      if (p.host !== null) ctx.notes.push(`${where}.ports ${JSON.stringify(entry)}: container port ${p.port} is routed by berth's router on the app's domains; nothing is published on the host`);
      ports.add(p.port);
    }
  }
  if (ports.size > 1 && isWeb) ctx.refused.push(`${where}: ports ${[...ports].join(', ')}: berth routes one port of the web service; keep one`);
  return ports.size > 0 ? [...ports][0] : null;
}

function replicasOf(v: unknown, where: string, ctx: Ctx): number {
  if (v === undefined || v === null) return 1;
  if (!isObject(v)) throw invalidCompose(ctx.file, `${where}.deploy must be a map`);
  for (const key of Object.keys(v)) if (key !== 'replicas') ctx.refused.push(`${where}.deploy.${key}: ${NOT_SUPPORTED} (berth reads deploy.replicas only)`);
  if (v.replicas === undefined) return 1;
  const n = Number(v.replicas);
  if (!Number.isInteger(n) || n < 0 || n > 50) throw invalidCompose(ctx.file, `${where}.deploy.replicas must be a whole number from 0 to 50`);
  return n;
}

/** berth restarts every process type's containers (the app's restart policy): only compose's equivalents pass. */
function restartOf(v: unknown, where: string, ctx: Ctx): void {
  if (v === undefined || v === null || v === 'always' || v === 'unless-stopped') return;
  ctx.refused.push(`${where}.restart: "${String(v)}": berth restarts every service by the app's policy; set it with \`berth ps:set <app> restart-policy ${String(v)}\``);
}

function argv(v: unknown, where: string, file: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const words = shellWords(v);
    if (!words) throw invalidCompose(file, `${where} has an unclosed quote`);
    return words;
  }
  if (Array.isArray(v) && v.every((a) => typeof a === 'string' || typeof a === 'number')) return v.map(String);
  throw invalidCompose(file, `${where} must be a string or a list of strings`);
}

function optionalString(v: unknown, where: string, file: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v === '') throw invalidCompose(file, `${where} must be a non-empty string`);
  return v;
}

/** env_file lines, then environment (its values already interpolated from the app's config vars: interpolate.ts). */
function environmentOf(raw: Obj, where: string, ctx: Ctx): Record<string, string> {
  const env: Record<string, string> = {};
  const files = raw.env_file === undefined || raw.env_file === null ? [] : Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file];
  for (const f of files) {
    const p = typeof f === 'string' ? f : isObject(f) && typeof f.path === 'string' ? f.path : null;
    if (p === null) throw invalidCompose(ctx.file, `${where}.env_file must be a path or a list of paths`);
    const rel = repoPath(p);
    if (rel === null) { ctx.refused.push(`${where}.env_file "${p}": outside the repo`); continue; }
    const text = ctx.readRepoFile(rel);
    if (text === null) {
      if (isObject(f) && f.required === false) continue;
      throw invalidCompose(ctx.file, `${where}.env_file "${p}" is not in the repo at this commit`);
    }
    for (const [k, v] of parseEnvFile(text)) env[k] = v;
  }
  for (const [k, v] of mapOrList(raw.environment, `${where}.environment`, ctx.file)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw invalidCompose(ctx.file, `${where}.environment: "${k}" is not a variable name`);
    // A bare name takes the value from where compose runs; here that is berth's config, which every service gets.
    if (v === null) { ctx.notes.push(`${where}.environment ${k}: taken from the app's config vars (\`berth config:set\`)`); continue; }
    env[k] = v;
  }
  return env;
}

/** Named volumes, and bind mounts of folders in the app's storage (storageDirOf); any other host path is refused. */
function volumesOf(v: unknown, where: string, ctx: Ctx): { volumes: ComposeVolume[]; dirs: ComposeDir[] } {
  if (v === undefined || v === null) return { volumes: [], dirs: [] };
  if (!Array.isArray(v)) throw invalidCompose(ctx.file, `${where}.volumes must be a list`);
  const out: ComposeVolume[] = [];
  const dirs: ComposeDir[] = [];
  for (const entry of v) {
    let source: string | null; let target: string; let extra: string | null = null; let type = 'volume'; let readOnly = false;
    if (typeof entry === 'string') {
      const parts = entry.split(':');
      if (parts.length === 1) { source = null; target = parts[0]; } else { [source, target] = parts; extra = parts.slice(2).join(':') || null; }
      if (source !== null && /^[./~$]/.test(source)) type = 'bind';
    } else if (isObject(entry)) {
      type = String(entry.type ?? 'volume');
      source = entry.source === undefined ? null : String(entry.source);
      target = String(entry.target ?? '');
      if (entry.read_only !== undefined && typeof entry.read_only !== 'boolean') throw invalidCompose(ctx.file, `${where}.volumes ${JSON.stringify(entry)}: read_only must be true or false`);
      readOnly = entry.read_only === true;
      const others = Object.keys(entry).filter((k) => !['type', 'source', 'target', 'read_only'].includes(k));
      extra = others.length ? others.join(', ') : null;
    } else {
      throw invalidCompose(ctx.file, `${where}.volumes entry ${JSON.stringify(entry)} is not a volume`);
    }
    const shown = JSON.stringify(entry);
    const dir = type === 'bind' && source !== null ? storageDirOf(source, ctx.storageRoot) : null;
    if (type === 'bind' && dir === null) { ctx.refused.push(`${where}.volumes ${shown}: host path "${source}" is outside the app's storage; use a named volume (it becomes the app's volume), a folder of the app's storage (\`./<name>\`: $BERTH_HOME/storage/<app id>/<name>) or ask an admin for \`berth storage:mount\``); continue; }
    if (type !== 'volume' && type !== 'bind') { ctx.refused.push(`${where}.volumes ${shown}: ${type} mounts are ${NOT_SUPPORTED}`); continue; }
    if (!target.startsWith('/')) throw invalidCompose(ctx.file, `${where}.volumes ${shown}: the target must be an absolute path in the container`);
    if (extra !== null && extra !== 'rw' && extra !== 'ro') { ctx.refused.push(`${where}.volumes ${shown}: options "${extra}" are ${NOT_SUPPORTED} (only ro and rw are)`); continue; }
    const ro = readOnly || extra === 'ro' ? { readOnly: true } : {};
    if (dir !== null) { dirs.push({ dir, target, ...ro }); continue; }
    if (source === null) { ctx.refused.push(`${where}.volumes ${shown}: an anonymous volume is lost at every deploy; name it under top-level \`volumes:\``); continue; }
    if (!ctx.volumes.has(source)) throw invalidCompose(ctx.file, `${where}.volumes ${shown}: volume "${source}" is not declared under top-level \`volumes:\``);
    out.push({ volume: source, target, ...ro });
  }
  return { volumes: out, dirs };
}

const DIR_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/**
 * The name of the folder of the app's storage a bind source means, or null: outside it. Relative
 * sources are read from the storage root (`./uploads`: `<root>/uploads`); an absolute one must name
 * a folder in it. Only a folder directly below the root passes, as for `storage:mount` (mount-spec.ts):
 * no mounted folder holds another's path, so no container can swap one for a symlink. Resolved as
 * text (`..` cannot climb out); the start re-checks the real folder is no symlink.
 */
function storageDirOf(source: string, storageRoot: string | null): string | null {
  let rel: string;
  if (source.startsWith('/')) {
    if (storageRoot === null) return null;
    rel = path.posix.relative(path.posix.resolve(storageRoot), path.posix.resolve(source));
  } else if (source === '.' || source.startsWith('./') || source.startsWith('../')) {
    rel = path.posix.relative('/root', path.posix.resolve('/root', source));
  } else {
    return null; // ~, $VAR: the host's, not the app's
  }
  return DIR_NAME.test(rel) && !rel.includes('/') ? rel : null;
}

function dependsOf(v: unknown, where: string, ctx: Ctx): ComposeService['dependsOn'] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((s) => ({ service: String(s), condition: 'service_started' as const }));
  if (!isObject(v)) throw invalidCompose(ctx.file, `${where}.depends_on must be a list or a map`);
  return Object.entries(v).flatMap(([service, spec]) => {
    const condition = isObject(spec) ? spec.condition ?? 'service_started' : 'service_started';
    if (isObject(spec)) {
      for (const key of Object.keys(spec)) if (!['condition', 'required', 'restart'].includes(key)) ctx.refused.push(`${where}.depends_on.${service}.${key}: ${NOT_SUPPORTED}`);
      if (spec.required === false) ctx.refused.push(`${where}.depends_on.${service}.required: false: every service of the file runs; remove the dependency`);
    }
    if (condition !== 'service_started' && condition !== 'service_healthy' && condition !== 'service_completed_successfully') {
      ctx.refused.push(`${where}.depends_on.${service}.condition: "${String(condition)}": ${NOT_SUPPORTED}`);
      return [];
    }
    return [{ service, condition: condition as DependsCondition }];
  });
}

/** Container labels are berth's own (berth.app, berth.process…): only berth.web is read, others are refused. */
function labelsOf(v: unknown, where: string, ctx: Ctx): void {
  for (const [k] of mapOrList(v, `${where}.labels`, ctx.file)) {
    if (k !== WEB_LABEL) ctx.refused.push(`${where}.labels.${k}: berth's containers carry berth's labels only (${WEB_LABEL} marks the web service)`);
  }
}
