import { BerthError } from '../errors';
import { isProcessType, PROCESS_TYPE_PATTERN } from '../naming';
import type { ReleaseRecord } from '../ports/store';
import { MAX_APP_CONTAINERS } from '../manifest';
import { stopFirstTypes } from '../compose';

export const MAX_SCALE = 50;

/** Process types of a release that run as containers (the release command runs once instead). */
export function processTypes(release: ReleaseRecord): string[] {
  return Object.keys(release.processes).filter((t) => t !== 'release');
}


const SCALE_WORD = new RegExp(`^(${PROCESS_TYPE_PATTERN})=(\\d{1,3})$`);
/** Parses `["web=3", "worker=1"]` (CLI words) into counts; shape only, types are checked against a release. */
export function parseScaleWords(words: readonly string[]): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const w of words) {
    const m = SCALE_WORD.exec(w);
    if (!m) throw new BerthError('INVALID_SCALE', `"${w}" is not <type>=<count>, e.g. web=3.`);
    scale[m[1]] = Number(m[2]);
  }
  return scale;
}

/** Checks a requested scale against the current release: known types, whole counts 0–50. */
export function validateScale(release: ReleaseRecord, requested: Readonly<Record<string, unknown>>, current: Readonly<Record<string, number>> = {}): Record<string, number> {
  const types = processTypes(release);
  const entries = Object.entries(requested);
  if (entries.length === 0) throw new BerthError('INVALID_SCALE', 'Say what to scale, e.g. web=2 worker=1.');
  const scale: Record<string, number> = {};
  for (const [type, count] of entries) {
    if (!types.includes(type)) {
      throw new BerthError('INVALID_SCALE', `v${release.version} of ${release.app} has no process type "${type}"; its types are: ${types.join(', ') || 'none'}.`);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_SCALE) {
      throw new BerthError('INVALID_SCALE', `The count for ${type} must be a whole number from 0 to ${MAX_SCALE}; got ${JSON.stringify(count)}.`);
    }
    // A compose service's named volumes are one docker volume per app: a second container would
    // open the same data folder as the first (two database servers on one folder corrupt it).
    if (count > 1 && stopFirstTypes(release).has(type)) {
      throw new BerthError('INVALID_SCALE', `${type} of ${release.app} holds named compose volumes: ${count} containers would share one data volume. Keep it at 1 (or 0).`);
    }
    scale[type] = count;
  }
  // The scale in force for the types not named stays: the app's total is what runs.
  const total = types.reduce((sum, t) => sum + (scale[t] ?? current[t] ?? 0), 0);
  if (total > MAX_APP_CONTAINERS) {
    throw new BerthError('INVALID_SCALE', `That makes ${total} containers of ${release.app} in all; berth runs at most ${MAX_APP_CONTAINERS} per app: scale other process types down first.`);
  }
  return scale;
}

/** A scale for an app with no release yet (no Procfile to check the types against): type names and counts only. */
export function validatePresetScale(app: string, requested: Readonly<Record<string, unknown>>): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const [type, count] of Object.entries(requested)) {
    if (!isProcessType(type)) throw new BerthError('INVALID_SCALE', `"${type.slice(0, 40)}" is not a process type (lowercase letters, digits, dashes).`);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_SCALE) {
      throw new BerthError('INVALID_SCALE', `The count for ${type} must be a whole number from 0 to ${MAX_SCALE}; got ${JSON.stringify(count)}.`);
    }
    scale[type] = count;
  }
  const total = Object.values(scale).reduce((a, b) => a + b, 0);
  if (total > MAX_APP_CONTAINERS) throw new BerthError('INVALID_SCALE', `That makes ${total} containers of ${app} in all; berth runs at most ${MAX_APP_CONTAINERS} per app.`);
  return scale;
}

/** `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N` (N 1–1000). */
export function validateRestartPolicy(policy: unknown): string {
  if (typeof policy === 'string' && /^(no|always|unless-stopped|on-failure(:([1-9]\d{0,2}|1000))?)$/.test(policy)) return policy;
  throw new BerthError('INVALID_RESTART_POLICY', `"${String(policy)}" is not a restart policy: use no, always, unless-stopped, on-failure or on-failure:N.`);
}

/** `512m`, `1g`, `256` (MiB), or `0`/`none` for no limit. Returns MiB or null. */
export function parseMemory(raw: string): number | null {
  const text = raw.trim().toLowerCase();
  if (text === '0' || text === 'none' || text === 'unlimited') return null;
  const m = /^(\d+(?:\.\d+)?)(m|mb|mib|g|gb|gib)?$/.exec(text);
  const mib = m ? Math.round(Number(m[1]) * (m[2]?.startsWith('g') ? 1024 : 1)) : NaN;
  if (!Number.isFinite(mib) || mib < 6 || mib > 1024 * 1024) {
    throw new BerthError('INVALID_RESOURCE_LIMIT', `Memory "${raw}" must look like 512m or 2g (at least 6m; docker's minimum), or 0 for no limit.`);
  }
  return mib;
}

/**
 * `0.5`, `2`, or `0`/`none` for no limit of the app's own (berth's default applies). Returns CPUs
 * or null. More than the host has (`maxCpus`) is refused now: docker would refuse every container
 * start with it, so the next deploy would fail.
 */
export function parseCpus(raw: string, maxCpus = 1024): number | null {
  const text = raw.trim().toLowerCase();
  if (text === '0' || text === 'none' || text === 'unlimited') return null;
  const n = /^\d+(\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < 0.01 || n > 1024) {
    throw new BerthError('INVALID_RESOURCE_LIMIT', `CPU "${raw}" must be a number of CPUs such as 0.5 or 2, or 0 for no limit.`);
  }
  if (n > maxCpus) throw new BerthError('INVALID_RESOURCE_LIMIT', `CPU "${raw}" is more than this host has (${maxCpus}); give at most ${maxCpus}.`);
  return n;
}
