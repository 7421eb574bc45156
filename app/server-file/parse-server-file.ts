import { parseDocument, visit } from 'yaml';
import { BerthError } from '../errors';
import type { AppSpec, MountSpecEntry, SecretValue, ServerDoc, ServiceSpec } from './document';

/** Larger files are refused before parsing: a thousand apps fit in far less. */
export const MAX_FILE_BYTES = 512 * 1024;
/**
 * Aliases a file may use. An export writes none; a few are fine for hand-written files, and the
 * bound stops "billion laughs" (nested aliases that expand to gigabytes) before expansion.
 */
const MAX_ALIASES = 20;

const invalid = (where: string, why: string) => new BerthError('SERVER_FILE_INVALID', `${where}: ${why}`);

/**
 * Reads berth.yaml into a ServerDoc. Strict, because a misspelt key silently ignored would leave
 * the server unlike the file: every unknown key is refused with its path (`apps.web.scal`), as is
 * any YAML tag, duplicate key, or value of the wrong type. Names and values are checked later by
 * the same services the verbs use, so the file gets the verbs' error codes.
 */
export function parseServerFile(text: string): ServerDoc {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) throw invalid('berth.yaml', `larger than ${MAX_FILE_BYTES} bytes`);
  let raw: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, merge: false, customTags: [] });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw invalid('berth.yaml', `not valid YAML (${problem.message.split('\n')[0]})`);
    let aliases = 0;
    visit(doc, { Alias: () => { aliases++; } });
    if (aliases > MAX_ALIASES) throw invalid('berth.yaml', `${aliases} aliases (*name); a server file may use at most ${MAX_ALIASES}`);
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof BerthError) throw e;
    if (e instanceof RangeError) throw invalid('berth.yaml', 'nested too deeply to read');
    // yaml's "Excessive alias count indicates a resource exhaustion attack" and the like.
    throw invalid('berth.yaml', `not readable (${(e as Error).message.split('\n')[0]})`);
  }
  const top = mapping(raw, 'berth.yaml', ['berth', 'secrets', 'settings', 'plugins', 'services', 'apps']);
  if (top.berth !== 1) throw invalid('berth', `must be 1 (the format version this berth reads); got ${show(top.berth)}`);
  return {
    berth: 1,
    ...(top.secrets !== undefined ? { secrets: secretsOf(top.secrets) } : {}),
    ...(top.settings !== undefined ? { settings: settingsOf(top.settings) } : {}),
    ...(top.plugins !== undefined ? { plugins: each(top.plugins, 'plugins', (v, p) => ({ enabled: bool(mapping(v, p, ['enabled']).enabled, `${p}.enabled`) })) } : {}),
    ...(top.services !== undefined ? { services: each(top.services, 'services', (v, p) => each(v, p, serviceOf)) } : {}),
    ...(top.apps !== undefined ? { apps: each(top.apps, 'apps', appOf) } : {}),
  };
}

function secretsOf(v: unknown): ServerDoc['secrets'] {
  const m = mapping(v, 'secrets', ['kdf', 'salt']);
  if (m.kdf !== 'scrypt') throw invalid('secrets.kdf', `must be scrypt; got ${show(m.kdf)}`);
  return { kdf: 'scrypt', salt: str(m.salt, 'secrets.salt') };
}

function settingsOf(v: unknown): ServerDoc['settings'] {
  const m = mapping(v ?? {}, 'settings', ['globalDomains']);
  return m.globalDomains === undefined ? {} : { globalDomains: strings(m.globalDomains, 'settings.globalDomains') };
}

function serviceOf(v: unknown, p: string): ServiceSpec {
  const m = mapping(v ?? {}, p, ['links']);
  return m.links === undefined ? {} : { links: each(m.links, `${p}.links`, (alias, ap) => str(alias, ap)) };
}

const APP_KEYS = ['deployBranch', 'builder', 'buildpack', 'build', 'restartPolicy', 'resources', 'checks', 'config', 'ports', 'scale', 'storage', 'nginx', 'domains'] as const;

function appOf(v: unknown, p: string): AppSpec {
  const m = mapping(v ?? {}, p, APP_KEYS);
  const out: Record<string, unknown> = {};
  const at = (k: string) => `${p}.${k}`;
  if (m.deployBranch !== undefined) out.deployBranch = str(m.deployBranch, at('deployBranch'));
  if (m.builder !== undefined) out.builder = str(m.builder, at('builder'));
  if (m.buildpack !== undefined) out.buildpack = str(m.buildpack, at('buildpack'));
  if (m.restartPolicy !== undefined) out.restartPolicy = str(m.restartPolicy, at('restartPolicy'));
  if (m.build !== undefined) {
    const b = mapping(m.build, at('build'), ['dockerfilePath', 'buildDir', 'buildkit', 'options']);
    out.build = {
      ...(b.dockerfilePath !== undefined ? { dockerfilePath: str(b.dockerfilePath, at('build.dockerfilePath')) } : {}),
      ...(b.buildDir !== undefined ? { buildDir: b.buildDir === null ? null : str(b.buildDir, at('build.buildDir')) } : {}),
      ...(b.buildkit !== undefined ? { buildkit: bool(b.buildkit, at('build.buildkit')) } : {}),
      ...(b.options !== undefined ? { options: secret(b.options, at('build.options')) } : {}),
    };
  }
  if (m.resources !== undefined) {
    const r = mapping(m.resources, at('resources'), ['memoryMb', 'cpus']);
    out.resources = {
      ...(r.memoryMb !== undefined ? { memoryMb: r.memoryMb === null ? null : num(r.memoryMb, at('resources.memoryMb')) } : {}),
      ...(r.cpus !== undefined ? { cpus: r.cpus === null ? null : num(r.cpus, at('resources.cpus')) } : {}),
    };
  }
  if (m.checks !== undefined) {
    const c = mapping(m.checks, at('checks'), ['disabled', 'skipped']);
    out.checks = {
      ...(c.disabled !== undefined ? { disabled: strings(c.disabled, at('checks.disabled')) } : {}),
      ...(c.skipped !== undefined ? { skipped: strings(c.skipped, at('checks.skipped')) } : {}),
    };
  }
  if (m.config !== undefined) out.config = each(m.config ?? {}, at('config'), secret);
  if (m.ports !== undefined) out.ports = strings(m.ports, at('ports'));
  if (m.domains !== undefined) out.domains = strings(m.domains, at('domains'));
  if (m.nginx !== undefined) out.nginx = each(m.nginx ?? {}, at('nginx'), str);
  if (m.scale !== undefined) out.scale = each(m.scale ?? {}, at('scale'), (n, np) => num(n, np));
  if (m.storage !== undefined) out.storage = list(m.storage, at('storage')).map((e, i) => mountOf(e, `${at('storage')}[${i}]`));
  return out as AppSpec;
}

function mountOf(v: unknown, p: string): MountSpecEntry {
  const m = mapping(v, p, ['volume', 'folder', 'path']);
  if ((m.volume === undefined) === (m.folder === undefined)) throw invalid(p, 'name either a volume or a folder');
  return {
    ...(m.volume !== undefined ? { volume: str(m.volume, `${p}.volume`) } : { folder: str(m.folder, `${p}.folder`) }),
    path: str(m.path, `${p}.path`),
  };
}

/** A plaintext string, `{ encrypted: … }` (sealed with the passphrase) or `{ keep: true }` (the server's value stays). */
function secret(v: unknown, p: string): SecretValue {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const m = mapping(v, p, ['encrypted', 'keep']);
  if (m.encrypted !== undefined && m.keep === undefined) return { encrypted: str(m.encrypted, `${p}.encrypted`) };
  if (m.keep === true && m.encrypted === undefined) return { keep: true };
  throw invalid(p, 'must be a string, { encrypted: … } or { keep: true }');
}

const show = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : JSON.stringify(v));

function mapping(v: unknown, p: string, keys: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map || v instanceof Set) throw invalid(p, `must be a mapping; got ${show(v)}`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw invalid(`${p}.${k}`, `unknown key (${p} takes ${keys.join(', ')})`);
  }
  return v as Record<string, unknown>;
}

/** A mapping whose keys are names (apps, services, config keys): each value read by `fn`. */
function each<T>(v: unknown, p: string, fn: (value: unknown, path: string) => T): Record<string, T> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map) throw invalid(p, `must be a mapping; got ${show(v)}`);
  // A null-prototype map: a name like __proto__ is just a (refused later) name, never the prototype.
  const out: Record<string, T> = Object.create(null);
  for (const [k, value] of Object.entries(v)) out[k] = fn(value, `${p}.${k}`);
  return out;
}

function list(v: unknown, p: string): unknown[] {
  if (!Array.isArray(v)) throw invalid(p, `must be a list; got ${show(v)}`);
  return v;
}
const strings = (v: unknown, p: string): string[] => list(v ?? [], p).map((e, i) => str(e, `${p}[${i}]`));

function str(v: unknown, p: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw invalid(p, `must be a string; got ${show(v)}`);
}
function num(v: unknown, p: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw invalid(p, `must be a number; got ${show(v)}`);
}
function bool(v: unknown, p: string): boolean {
  if (typeof v === 'boolean') return v;
  throw invalid(p, `must be true or false; got ${show(v)}`);
}
