import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isProcessType } from '../naming/process-type';
import { normalizeSchedule } from './cron-schedule';
import { parseHealthChecks } from './health-checks';
import { invalid, isObject, optionalString } from './json-fields';
import { EMPTY_MANIFEST, type AppManifest, type CronEntry } from './manifest';

const CRON_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;
/** Same ceiling as ps:scale (processes MAX_SCALE); kept here so the manifest needs no other module. */
const MAX_COUNT = 50;
/**
 * At most this many containers of one app across its process types (`ps:scale` and app.json's
 * formation): 50 per type alone let a Procfile of many types start thousands (docs/security.md).
 */
export const MAX_APP_CONTAINERS = 100;

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

/** Each entry may start a container every minute: an app's repo must not decide how many (docs/security.md). */
export const MAX_CRON_ENTRIES = 20;

function parseCron(cron: unknown): CronEntry[] {
  if (cron === undefined || cron === null) return [];
  if (!Array.isArray(cron)) throw invalid('cron must be a list of {"command", "schedule"}');
  if (cron.length > MAX_CRON_ENTRIES) throw invalid(`cron has ${cron.length} entries; an app may have at most ${MAX_CRON_ENTRIES}`);
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

/** `formation`: `{ "web": { "quantity": 2 } }` as dokku writes it, or the short `{ "web": 2 }`. */
function parseFormation(formation: unknown): Record<string, number> {
  if (formation === undefined || formation === null) return {};
  if (!isObject(formation)) throw invalid('formation must be an object of process type → {"quantity": N}');
  const out: Record<string, number> = {};
  for (const [type, entry] of Object.entries(formation)) {
    if (!isProcessType(type)) throw invalid(`formation."${type}" is not a process type name`);
    const n = isObject(entry) ? entry.quantity : entry;
    if (n === undefined && isObject(entry)) continue; // only other settings (max_parallel): no count
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_COUNT) {
      throw invalid(`formation.${type}.quantity must be a whole number from 0 to ${MAX_COUNT}`);
    }
    out[type] = n;
  }
  const total = Object.values(out).reduce((a, b) => a + b, 0);
  if (total > MAX_APP_CONTAINERS) throw invalid(`formation asks for ${total} containers in all; berth runs at most ${MAX_APP_CONTAINERS} per app`);
  return out;
}

/** Where in the text a parse error is, as line:column. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/**
 * Parses app.json text (null/absent → EMPTY_MANIFEST). `//` and `/* *\/` comments and trailing
 * commas are allowed, as dokku's own fixtures use them. Throws BerthError INVALID_APP_JSON saying
 * what to fix.
 */
export function parseAppJson(text: string | null | undefined): AppManifest {
  if (text === null || text === undefined || text.trim() === '') return EMPTY_MANIFEST;
  const errors: ParseError[] = [];
  let doc: unknown;
  try {
    doc = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  } catch (e) {
    // The parser recurses per level: a pushed app.json of 100 000 '[' overflowed the stack (an INTERNAL build failure with a stack trace).
    if (e instanceof RangeError) throw invalid('nested too deeply to read');
    throw e;
  }
  if (errors.length) {
    const e = errors[0];
    throw invalid(`not valid JSON (${printParseErrorCode(e.error)} at ${position(text, e.offset)})`);
  }
  if (!isObject(doc)) throw invalid('the top level must be an object');
  return {
    healthchecks: parseHealthChecks(doc.healthchecks),
    ...parseScripts(doc.scripts),
    cron: parseCron(doc.cron),
    formation: parseFormation(doc.formation),
  };
}
