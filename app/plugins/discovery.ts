import fs from 'node:fs';
import path from 'node:path';

export type PluginOrigin = 'builtin' | 'installed' | 'path';

export interface FoundPlugin {
  /** The plugin folder (holds plugin.json), symlinks resolved. */
  readonly dir: string;
  readonly origin: PluginOrigin;
}

export interface PluginSources {
  /** berth's own plugins/ folder. */
  readonly builtin: string;
  /** `$BERTH_HOME/plugins`: installed ones (folders, symlinks to folders, npm prefixes). */
  readonly installed: string;
  /** BERTH_PLUGINS_PATH entries: each a plugin folder or a folder of them. */
  readonly extra: readonly string[];
}

const isDir = (p: string) => { try { return fs.statSync(p).isDirectory(); } catch { return false; } };
const has = (dir: string, file: string) => fs.existsSync(path.join(dir, file));
const real = (p: string) => { try { return fs.realpathSync(p); } catch { return p; } };

/** `$BERTH_HOME/plugins/<id>` made by `npm install --prefix`: the package inside node_modules. */
function npmPackageDir(prefix: string): string | null {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(prefix, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const name = Object.keys(pkg.dependencies ?? {})[0];
    return name ? path.join(prefix, 'node_modules', name) : null;
  } catch {
    return null;
  }
}

function children(dir: string): string[] {
  if (!isDir(dir)) return [];
  return fs.readdirSync(dir).filter((n) => !n.startsWith('.') && !n.startsWith('_')).sort().map((n) => path.join(dir, n)).filter(isDir);
}

/** Every plugin folder, built-in first, then installed, then BERTH_PLUGINS_PATH, in name order. */
export function discoverPlugins(sources: PluginSources): FoundPlugin[] {
  const found: FoundPlugin[] = [];
  for (const dir of children(sources.builtin)) found.push({ dir: real(dir), origin: 'builtin' });
  for (const dir of children(sources.installed)) {
    const npm = has(dir, 'plugin.json') ? null : npmPackageDir(dir);
    found.push({ dir: real(npm ?? dir), origin: 'installed' });
  }
  for (const entry of sources.extra) {
    if (has(entry, 'plugin.json')) found.push({ dir: real(entry), origin: 'path' });
    else for (const dir of children(entry)) found.push({ dir: real(dir), origin: 'path' });
  }
  return found;
}
