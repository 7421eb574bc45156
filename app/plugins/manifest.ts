import fs from 'node:fs';
import path from 'node:path';
import { parseVersion, satisfies } from '../../buildpacks/shared/semver-range';
import { BerthError } from '../errors';
import type { PluginManifest } from './api';

export const PLUGIN_ID = /^[a-z][a-z0-9-]{0,39}$/;

const bad = (dir: string, why: string) => new BerthError('PLUGIN_INVALID_MANIFEST', `plugin at ${dir} refused: ${why}`);

function isRange(r: unknown): r is string {
  return typeof r === 'string' && r.trim() !== '' && satisfies('0.0.0', r) !== null;
}

/** Reads and checks `<dir>/plugin.json`; throws PLUGIN_INVALID_MANIFEST saying what is wrong. */
export function readManifest(dir: string): PluginManifest {
  const file = path.join(dir, 'plugin.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as { code?: string }).code === 'ENOENT' ? 'it has no plugin.json' : `plugin.json is not valid JSON (${(e as Error).message})`;
    throw bad(dir, why);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(dir, 'plugin.json must be a JSON object');
  const m = raw as Record<string, unknown>;
  if (typeof m.id !== 'string' || !PLUGIN_ID.test(m.id)) {
    throw bad(dir, `"id" must be lowercase letters, digits and dashes, starting with a letter (got ${JSON.stringify(m.id)})`);
  }
  const where = `${dir} (${m.id})`;
  if (typeof m.version !== 'string' || !parseVersion(m.version) || !/^\d+\.\d+\.\d+/.test(m.version)) {
    throw bad(where, `"version" must be a semver version like 1.0.0 (got ${JSON.stringify(m.version)})`);
  }
  if (!isRange(m.berth)) throw bad(where, `"berth" must be a semver range of supported berth versions, like ^0.1 (got ${JSON.stringify(m.berth)})`);
  if (m.dependencies !== undefined) {
    if (!m.dependencies || typeof m.dependencies !== 'object' || Array.isArray(m.dependencies)) throw bad(where, '"dependencies" must map plugin ids to semver ranges');
    for (const [id, range] of Object.entries(m.dependencies)) {
      if (!PLUGIN_ID.test(id) || !isRange(range)) throw bad(where, `dependency ${id}: ${JSON.stringify(range)} is not a plugin id with a semver range`);
    }
  }
  for (const key of ['description', 'entry', 'image'] as const) {
    if (m[key] !== undefined && typeof m[key] !== 'string') throw bad(where, `"${key}" must be a string`);
  }
  if (typeof m.entry === 'string' && (path.isAbsolute(m.entry) || m.entry.split(/[\\/]/).includes('..'))) {
    throw bad(where, '"entry" must be a path inside the plugin folder');
  }
  return m as unknown as PluginManifest;
}

/** Throws PLUGIN_INCOMPATIBLE when the plugin does not support this berth. */
export function checkCompatible(manifest: PluginManifest, berthVersion: string): void {
  if (satisfies(berthVersion, manifest.berth) !== true) {
    throw new BerthError('PLUGIN_INCOMPATIBLE',
      `plugin ${manifest.id} ${manifest.version} refused: it supports berth ${manifest.berth}, and this is berth ${berthVersion}.`);
  }
}

export { satisfies };
