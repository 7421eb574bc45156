import { BerthError } from '../errors';

/** A malformed compose file: stops the build before it starts, saying where. */
export const invalidCompose = (file: string, message: string): BerthError => new BerthError('INVALID_COMPOSE', `${file}: ${message}`);

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const UNITS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** compose durations: `1m30s`, `500ms`, `10s`, or a bare number of seconds. Null when malformed. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string' || !/^(\d+(\.\d+)?(us|ms|s|m|h))+$/.test(v.trim())) return null;
  let total = 0;
  for (const m of v.trim().matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]];
  return total;
}

/**
 * Splits a command string into argv as compose does (shell quoting rules, no shell run):
 * single quotes literal, double quotes with backslash escapes, backslash outside quotes.
 */
export function shellWords(text: string): string[] | null {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null; else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c; inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i]; inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = ''; inWord = false;
    } else {
      word += c; inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) out.push(word);
  return out;
}

/** `KEY=value` lines (list form of environment/labels, and env_file lines). */
export function splitAssignment(entry: string): [string, string | null] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** A map or a `KEY=value` list → entries; a value-less key gives null. */
export function mapOrList(v: unknown, where: string, file: string): [string, string | null][] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    return v.map((e, i) => {
      if (typeof e !== 'string') throw invalidCompose(file, `${where}[${i}] must be a string KEY=value`);
      return splitAssignment(e);
    });
  }
  if (!isObject(v)) throw invalidCompose(file, `${where} must be a map or a list of KEY=value`);
  return Object.entries(v).map(([k, x]) => {
    if (x === null) return [k, null];
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return [k, String(x)];
    throw invalidCompose(file, `${where}.${k} must be a string, number or boolean`);
  });
}

/** env_file syntax: KEY=value per line, # comments, optional `export `, quotes around the value removed. */
export function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const [k, v] = splitAssignment(line);
    if (v === null) continue;
    const quoted = /^(["'])(.*)\1$/.exec(v.trim());
    out.push([k.trim(), quoted ? quoted[2] : v.trim()]);
  }
  return out;
}

/** A relative path inside the repo (no `..`, not absolute), normalised; null when it leaves the repo. */
export function repoPath(p: string): string | null {
  const parts: string[] = [];
  if (p.startsWith('/') || p.includes('\0')) return null;
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * One `ports`/`expose` entry → its container port and whether it asks for a host port:
 * `80`, `8080:80`, `127.0.0.1:8080:80`, `80/tcp`, or the long form `{ target, published }`.
 */
export function containerPort(entry: unknown): { port: number; host: string | null; protocol: string } | null {
  if (typeof entry === 'number') return Number.isInteger(entry) && entry > 0 && entry < 65536 ? { port: entry, host: null, protocol: 'tcp' } : null;
  if (isObject(entry)) {
    const target = Number(entry.target);
    if (!Number.isInteger(target) || target < 1 || target > 65535) return null;
    const published = entry.published ?? null;
    return { port: target, host: published === null ? null : String(published), protocol: String(entry.protocol ?? 'tcp') };
  }
  if (typeof entry !== 'string') return null;
  const m = /^(?:(.*):)?(\d+)(?:\/(tcp|udp|sctp))?$/.exec(entry.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { port, host: m[1] ?? null, protocol: m[3] ?? 'tcp' };
}
