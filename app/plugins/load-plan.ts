import { BerthError, type ErrorCode } from '../errors';
import type { PluginManifest } from './api';
import type { FoundPlugin, PluginOrigin } from './discovery';
import { checkCompatible, readManifest, satisfies } from './manifest';

export interface PlannedPlugin {
  readonly manifest: PluginManifest;
  readonly dir: string;
  readonly origin: PluginOrigin;
  /** 0 without dependencies, else 1 + the deepest dependency's level. */
  readonly level: number;
}

export interface RefusedPlugin {
  /** The id when the manifest had one, else the folder. */
  readonly id: string;
  readonly dir: string;
  readonly origin: PluginOrigin;
  readonly version: string | null;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface LoadPlan {
  /** In load order: every plugin after the plugins it depends on. */
  readonly load: PlannedPlugin[];
  readonly disabled: Array<{ manifest: PluginManifest; dir: string; origin: PluginOrigin }>;
  readonly refused: RefusedPlugin[];
}

/**
 * Decides which plugins load, and in what order, from their manifests alone: bad manifests,
 * incompatible berth ranges, duplicates, missing or refused dependencies and cycles are refused
 * with a typed error each, and the others still load.
 */
export function planLoad(o: { found: readonly FoundPlugin[]; berthVersion: string; isEnabled: (id: string) => boolean }): LoadPlan {
  const refused: RefusedPlugin[] = [];
  const refuse = (f: { dir: string; origin: PluginOrigin }, m: PluginManifest | null, e: unknown) => {
    const err = e instanceof BerthError ? e : new BerthError('PLUGIN_INVALID_MANIFEST', String(e));
    refused.push({ id: m?.id ?? f.dir, dir: f.dir, origin: f.origin, version: m?.version ?? null, code: err.code, message: err.message });
  };
  const candidates = new Map<string, { manifest: PluginManifest; dir: string; origin: PluginOrigin }>();
  const disabled: LoadPlan['disabled'] = [];
  for (const f of o.found) {
    let manifest: PluginManifest;
    try {
      manifest = readManifest(f.dir);
    } catch (e) {
      refuse(f, null, e);
      continue;
    }
    const first = candidates.get(manifest.id) ?? disabled.find((d) => d.manifest.id === manifest.id);
    if (first) {
      refuse(f, manifest, new BerthError('PLUGIN_DUPLICATE', `plugin ${manifest.id} at ${f.dir} refused: ${first.dir} has that id already.`));
      continue;
    }
    try {
      checkCompatible(manifest, o.berthVersion);
    } catch (e) {
      refuse(f, manifest, e);
      continue;
    }
    if (!o.isEnabled(manifest.id)) disabled.push({ manifest, dir: f.dir, origin: f.origin });
    else candidates.set(manifest.id, { manifest, dir: f.dir, origin: f.origin });
  }

  // Resolve dependencies depth-first; a plugin whose dependency is missing or refused is refused too.
  const levels = new Map<string, number>();
  const visiting = new Set<string>();
  const failed = new Set<string>();
  const load: PlannedPlugin[] = [];
  const visit = (id: string): number | null => {
    if (levels.has(id)) return levels.get(id)!;
    if (failed.has(id)) return null;
    const c = candidates.get(id)!;
    visiting.add(id);
    let level = 0;
    let problem: string | null = null;
    for (const [dep, range] of Object.entries(c.manifest.dependencies ?? {})) {
      const d = candidates.get(dep);
      if (!d) { problem = `it needs plugin ${dep} ${range}, which is ${disabled.some((x) => x.manifest.id === dep) ? 'disabled' : 'not loaded'}`; break; }
      if (visiting.has(dep)) { problem = `its dependency on ${dep} is circular`; break; }
      if (satisfies(d.manifest.version, range) !== true) { problem = `it needs plugin ${dep} ${range}, and ${dep} is ${d.manifest.version}`; break; }
      const l = visit(dep);
      if (l === null) { problem = `its dependency ${dep} was refused`; break; }
      level = Math.max(level, l + 1);
    }
    visiting.delete(id);
    if (problem) {
      failed.add(id);
      refuse(c, c.manifest, new BerthError('PLUGIN_DEPENDENCY_MISSING', `plugin ${id} ${c.manifest.version} refused: ${problem}.`));
      return null;
    }
    levels.set(id, level);
    load.push({ ...c, level });
    return level;
  };
  for (const id of [...candidates.keys()]) visit(id);
  return { load, disabled, refused };
}
