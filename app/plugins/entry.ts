import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import type { PluginDefinition, PluginManifest } from './api';

/** Where compiled built-in plugins live: `<distRoot>/<path from projectRoot>/index.js`. */
export interface CompiledTree { readonly projectRoot: string; readonly distRoot: string }

/** The plugin's JavaScript entry: `<entry>.js` in its folder, or the compiled form of `<entry>.ts`. */
export function resolveEntry(dir: string, manifest: PluginManifest, tree: CompiledTree): string {
  const entry = manifest.entry ?? 'index';
  const js = path.join(dir, `${entry}.js`);
  if (fs.existsSync(js)) return js;
  const rel = path.relative(tree.projectRoot, dir);
  if (fs.existsSync(path.join(dir, `${entry}.ts`)) && !rel.startsWith('..') && !path.isAbsolute(rel)) {
    const compiled = path.join(tree.distRoot, rel, `${entry}.js`);
    if (fs.existsSync(compiled)) return compiled;
  }
  throw new BerthError('PLUGIN_ENTRY_INVALID',
    `plugin ${manifest.id} refused: no ${entry}.js in ${dir}${fs.existsSync(path.join(dir, `${entry}.ts`)) ? ` (compile ${entry}.ts to ${entry}.js)` : ''}.`);
}

/** Loads the entry and returns its definition (`module.exports`, or its `default`). */
export function loadDefinition(file: string, manifest: PluginManifest): PluginDefinition {
  let mod: unknown;
  try {
    mod = require(file);
  } catch (e) {
    throw new BerthError('PLUGIN_ENTRY_INVALID', `plugin ${manifest.id} refused: loading ${file} failed: ${(e as Error).message}`, { cause: e });
  }
  const def = (mod as { default?: unknown })?.default ?? mod;
  if (!def || typeof (def as PluginDefinition).register !== 'function') {
    throw new BerthError('PLUGIN_ENTRY_INVALID', `plugin ${manifest.id} refused: ${file} does not export definePlugin({ register(ctx) }).`);
  }
  return def as PluginDefinition;
}
