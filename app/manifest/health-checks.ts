import type { CheckType, HealthCheck } from './manifest';
import { isProcessType } from '../naming/process-type';
import { invalid, isObject, optionalString, type Obj } from './json-fields';

/** dokku's defaults for a check: 5 attempts of 5 s each, 5 s apart, no initial delay. */
const DEFAULTS = { timeout: 5, attempts: 5, wait: 5, initialDelay: 0 };
const TYPES: readonly CheckType[] = ['startup', 'liveness', 'readiness'];
const KNOWN = new Set(['type', 'name', 'description', 'path', 'command', 'port', 'content', 'attempts', 'wait', 'timeout', 'initialDelay', 'warn', 'scheme', 'uptime', 'listening', 'onFailure']);

function seconds(o: Obj, key: keyof typeof DEFAULTS, where: string, min: number): number {
  const v = o[key];
  if (v === undefined) return DEFAULTS[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > 3600) throw invalid(`${where}.${key} must be a number from ${min} to 3600`);
  return n;
}

function command(o: Obj, where: string): string[] | null {
  const v = o.command;
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && v.trim()) return ['/bin/sh', '-c', v];
  if (Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'string') && (v[0] as string).trim()) return v as string[];
  throw invalid(`${where}.command must be a non-empty string or a list of strings (argv)`);
}

function port(o: Obj, where: string): number | null {
  const v = o.port;
  if (v === undefined || v === null) return null;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) throw invalid(`${where}.port must be a port number from 1 to 65535`);
  return n;
}

function parseCheck(check: unknown, where: string, index: number): HealthCheck {
  if (!isObject(check)) throw invalid(`${where} must be an object`);
  const unknown = Object.keys(check).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw invalid(`${where} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const type = (optionalString(check, 'type', where) ?? 'startup') as CheckType;
  if (!TYPES.includes(type)) throw invalid(`${where}.type "${type}" is not startup, liveness or readiness`);
  const cmd = command(check, where);
  const rawPath = optionalString(check, 'path', where);
  if (cmd && rawPath !== null) throw invalid(`${where} has both path and command; a check is one or the other`);
  const path = cmd ? null : (rawPath ?? '/');
  if (path !== null && (!path.startsWith('/') || /\s/.test(path))) throw invalid(`${where}.path must start with / and have no spaces`);
  const content = optionalString(check, 'content', where);
  if (check.warn !== undefined && typeof check.warn !== 'boolean') throw invalid(`${where}.warn must be true or false`);
  const name = optionalString(check, 'name', where) ?? `${type}-${index + 1}`;
  return {
    type, name, path, command: cmd, port: port(check, where), content: content === '' ? null : content,
    attempts: Math.round(seconds(check, 'attempts', where, 1)),
    wait: seconds(check, 'wait', where, 0),
    timeout: seconds(check, 'timeout', where, 1),
    initialDelay: seconds(check, 'initialDelay', where, 0),
    warn: check.warn === true,
  };
}

/** `healthchecks`: process type → list of checks, for every type that declares some. */
export function parseHealthChecks(healthchecks: unknown): Record<string, HealthCheck[]> {
  if (healthchecks === undefined || healthchecks === null) return {};
  if (!isObject(healthchecks)) throw invalid('healthchecks must be an object of process type → list of checks');
  const out: Record<string, HealthCheck[]> = {};
  for (const [type, list] of Object.entries(healthchecks)) {
    if (!isProcessType(type)) throw invalid(`healthchecks."${type}" is not a process type name`);
    if (!Array.isArray(list)) throw invalid(`healthchecks.${type} must be a list of checks`);
    const checks = list.map((c, i) => parseCheck(c, `healthchecks.${type}[${i}]`, i));
    const names = new Set<string>();
    for (const c of checks) {
      if (names.has(c.name)) throw invalid(`healthchecks.${type} has two checks named "${c.name}"`);
      names.add(c.name);
    }
    if (checks.length) out[type] = checks;
  }
  return out;
}
