import type { HealthCheck } from '../manifest';
import { NOT_SUPPORTED } from './compose-refusals';
import { invalidCompose, isObject, parseDuration } from './compose-fields';
import type { Ctx } from './parse-compose';

/** docker's defaults: a try every 30 s, 30 s each, 3 failures in a row make it unhealthy. */
const DEFAULTS = { interval: 30, timeout: 30, retries: 3 };
const KNOWN = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);

/**
 * A service's `healthcheck` → berth's startup check of its process type (a command run inside each
 * new container by docker exec): it gates the start of the services that depend on it
 * (`condition: service_healthy`) and the switch of the deploy, as app.json checks do. Tries during
 * start_period do not count in docker; here they are added as extra attempts.
 */
export function composeHealthCheck(v: unknown, where: string, ctx: Ctx): HealthCheck | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw invalidCompose(ctx.file, `${where} must be a map`);
  for (const key of Object.keys(v)) if (!KNOWN.has(key)) ctx.refused.push(`${where}.${key}: ${NOT_SUPPORTED}`);
  if (v.disable === true) return null;
  const command = testCommand(v.test, where, ctx.file);
  if (command === null) return null;
  const seconds = (key: 'interval' | 'timeout' | 'start_period', fallback: number): number => {
    if (v[key] === undefined) return fallback;
    const s = parseDuration(v[key]);
    if (s === null || s > 3600) throw invalidCompose(ctx.file, `${where}.${key} must be a duration such as 10s or 1m30s, at most 1h`);
    return s;
  };
  const interval = Math.max(seconds('interval', DEFAULTS.interval), 0.1);
  const timeout = Math.max(seconds('timeout', DEFAULTS.timeout), 1);
  const startPeriod = seconds('start_period', 0);
  const retries = v.retries === undefined ? DEFAULTS.retries : Number(v.retries);
  if (!Number.isInteger(retries) || retries < 1 || retries > 100) throw invalidCompose(ctx.file, `${where}.retries must be a whole number from 1 to 100`);
  return {
    type: 'startup', name: 'compose-healthcheck', path: null, command, port: null, content: null,
    attempts: retries + Math.ceil(startPeriod / interval), wait: interval, timeout, initialDelay: 0, warn: false,
  };
}

/** `["CMD", argv…]`, `["CMD-SHELL", "cmd"]` or a string (shell); `["NONE"]` turns the image's off: no check. */
function testCommand(test: unknown, where: string, file: string): string[] | null {
  if (typeof test === 'string' && test.trim()) return ['/bin/sh', '-c', test];
  if (Array.isArray(test) && test.length > 0 && test.every((a) => typeof a === 'string')) {
    const [kind, ...rest] = test as string[];
    if (kind === 'NONE') return null;
    if (kind === 'CMD' && rest.length > 0) return rest;
    if (kind === 'CMD-SHELL' && rest.length === 1) return ['/bin/sh', '-c', rest[0]];
  }
  throw invalidCompose(file, `${where}.test must be ["CMD", …], ["CMD-SHELL", "…"], ["NONE"] or a command string`);
}
