import { BerthError } from '../errors';
import type { HealthCheckSpec } from '../deploys/health-check';
import { normalizeSchedule } from '../cron/schedule';

/** One scheduled command of the app (app.json `cron`). */
export interface CronEntry {
  /** Shown in logs as `cron.<name>`; from the entry's `name`, else its position (1, 2, …). */
  readonly name: string;
  readonly command: string;
  /** 5-field cron expression. */
  readonly schedule: string;
}

/** What berth takes from an app's app.json (dokku's format). */
export interface AppJson {
  /** The web process's startup check, or null for berth's default (any HTTP answer on `/`). */
  readonly healthCheck: HealthCheckSpec | null;
  /** `scripts.dokku.predeploy`: runs in a one-off container of the new image before the switch. */
  readonly predeploy: string | null;
  /** `scripts.dokku.postdeploy`: runs in a one-off container once the release is live. */
  readonly postdeploy: string | null;
  readonly cron: readonly CronEntry[];
}

export const EMPTY_APP_JSON: AppJson = Object.freeze({ healthCheck: null, predeploy: null, postdeploy: null, cron: [] });

/** dokku's defaults for a check: 5 attempts of 5 s each, 5 s apart. */
const CHECK_DEFAULTS = { timeout: 5, attempts: 5, wait: 5, initialDelay: 0 };
const CRON_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;

const invalid = (message: string): BerthError => new BerthError('INVALID_APP_JSON', `app.json: ${message}`);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalString(o: Obj, key: string, where: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(`${where}.${key} must be a string`);
  return v;
}

function number(o: Obj, key: keyof typeof CHECK_DEFAULTS, where: string, min: number): number {
  const v = o[key];
  if (v === undefined) return CHECK_DEFAULTS[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > 3600) throw invalid(`${where}.${key} must be a number from ${min} to 3600`);
  return n;
}

/** dokku lists checks per process type; berth runs the web type's startup check. */
function parseWebCheck(healthchecks: unknown): HealthCheckSpec | null {
  if (healthchecks === undefined || healthchecks === null) return null;
  if (!isObject(healthchecks)) throw invalid('healthchecks must be an object of process type → list of checks');
  const web = healthchecks.web;
  if (web === undefined) return null;
  if (!Array.isArray(web)) throw invalid('healthchecks.web must be a list of checks');
  const startup: HealthCheckSpec[] = [];
  web.forEach((check, i) => {
    const where = `healthchecks.web[${i}]`;
    if (!isObject(check)) throw invalid(`${where} must be an object`);
    const type = optionalString(check, 'type', where) ?? 'startup';
    if (!['startup', 'liveness', 'readiness'].includes(type)) throw invalid(`${where}.type "${type}" is not startup, liveness or readiness`);
    if (check.command !== undefined) throw invalid(`${where}: command checks are not supported; use path (and content)`);
    if (check.port !== undefined) throw invalid(`${where}: port is not supported; berth checks the port the release listens on`);
    const path = optionalString(check, 'path', where) ?? '/';
    if (!path.startsWith('/') || /\s/.test(path)) throw invalid(`${where}.path must start with / and have no spaces`);
    const content = optionalString(check, 'content', where);
    const timeout = number(check, 'timeout', where, 1);
    const attempts = Math.round(number(check, 'attempts', where, 1));
    const wait = number(check, 'wait', where, 0);
    const initialDelay = number(check, 'initialDelay', where, 0);
    if (type !== 'startup') return; // liveness/readiness are for orchestrators that restart containers
    startup.push({
      path,
      content: content === '' ? null : content,
      timeoutSeconds: attempts * timeout + (attempts - 1) * wait,
      waitSeconds: initialDelay,
    });
  });
  if (startup.length > 1) throw invalid(`healthchecks.web has ${startup.length} startup checks; berth runs one, so merge them`);
  return startup[0] ?? null;
}

function parseScripts(scripts: unknown): { predeploy: string | null; postdeploy: string | null } {
  if (scripts === undefined || scripts === null) return { predeploy: null, postdeploy: null };
  if (!isObject(scripts)) throw invalid('scripts must be an object');
  const dokku = scripts.dokku;
  if (dokku === undefined || dokku === null) return { predeploy: null, postdeploy: null };
  if (!isObject(dokku)) throw invalid('scripts.dokku must be an object');
  const script = (key: string): string | null => {
    const s = optionalString(dokku, key, 'scripts.dokku');
    return s === null || s.trim() === '' ? null : s;
  };
  return { predeploy: script('predeploy'), postdeploy: script('postdeploy') };
}

function parseCron(cron: unknown): CronEntry[] {
  if (cron === undefined || cron === null) return [];
  if (!Array.isArray(cron)) throw invalid('cron must be a list of {"command", "schedule"}');
  const names = new Set<string>();
  return cron.map((entry, i) => {
    const where = `cron[${i}]`;
    if (!isObject(entry)) throw invalid(`${where} must be an object with command and schedule`);
    const command = optionalString(entry, 'command', where);
    if (!command || !command.trim()) throw invalid(`${where}.command is missing`);
    const rawSchedule = optionalString(entry, 'schedule', where);
    if (!rawSchedule) throw invalid(`${where}.schedule is missing (5 fields, e.g. "*/5 * * * *")`);
    let schedule: string;
    try {
      schedule = normalizeSchedule(rawSchedule);
    } catch (e) {
      throw invalid(`${where}.schedule ${(e as Error).message}`);
    }
    const name = optionalString(entry, 'name', where) ?? String(i + 1);
    if (!CRON_NAME.test(name)) throw invalid(`${where}.name "${name}" must be lowercase letters, digits and dashes`);
    if (names.has(name)) throw invalid(`${where}.name "${name}" is used twice`);
    names.add(name);
    return { name, command, schedule };
  });
}

/** Parses app.json text (null/absent → EMPTY_APP_JSON). Throws BerthError INVALID_APP_JSON saying what to fix. */
export function parseAppJson(text: string | null | undefined): AppJson {
  if (text === null || text === undefined || text.trim() === '') return EMPTY_APP_JSON;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalid(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(doc)) throw invalid('the top level must be an object');
  return { healthCheck: parseWebCheck(doc.healthchecks), ...parseScripts(doc.scripts), cron: parseCron(doc.cron) };
}
