import path from 'node:path';
import { appVolumeName } from '../apps';
import { BerthError } from '../errors';

export interface ParsedMount {
  readonly kind: 'volume' | 'host';
  /** Docker volume name (`berth-app-<app id>-<name>`) or absolute host path. */
  readonly source: string;
  readonly target: string;
}

export const VOLUME_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
const TARGET = /^(\/[A-Za-z0-9._@+-]+)+$/;

/** The volume name berth gave mounts before apps had ids (kept for their records: they are the app's data). */
export const legacyVolumeName = (app: string, name: string): string => `berth-${app}-${name}`;

/**
 * The folder an app's host-path mounts must live under: `$BERTH_HOME/storage/<app id>`, so a
 * rename keeps it and a new app with an old name never gets the old one's folders.
 */
export const hostRoot = (storageDir: string, appId: string): string => path.join(path.resolve(storageDir), appId);

/**
 * `<volume-name>:/container/path` or `/host/path:/container/path`. A host path must be a folder
 * directly below `$BERTH_HOME/storage/<app>` (`…/storage/<app>/<name>`): so no mounted folder
 * contains another one's path, and no container can swap a folder on another mount's path for a
 * symlink (Docker follows symlinks in a bind source at every start). See docs/security.md.
 */
export function parseMountSpec(spec: string, o: { appId: string; storageDir: string }): ParsedMount {
  const parts = spec.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new BerthError('INVALID_STORAGE_MOUNT', `"${spec}" is not <volume-name|/host/path>:/container/path.`);
  }
  const [source, target] = parts;
  if (!TARGET.test(target) || target.split('/').some((s) => s === '.' || s === '..')) {
    throw new BerthError('INVALID_STORAGE_MOUNT', `The container path "${target}" must be absolute, without . or .. parts, of letters, digits and ._@+-.`);
  }
  if (target === '/' || ['/proc', '/sys', '/dev'].some((p) => target === p || target.startsWith(`${p}/`))) {
    throw new BerthError('INVALID_STORAGE_MOUNT', `Mounting over ${target} is not allowed.`);
  }
  if (source.startsWith('/')) {
    const root = hostRoot(o.storageDir, o.appId);
    const resolved = path.resolve(source);
    const name = path.basename(resolved);
    if (path.dirname(resolved) !== root || !VOLUME_NAME.test(name) || name.startsWith('.')) {
      throw new BerthError('INVALID_STORAGE_MOUNT', `Host paths must be a folder directly below ${root} (${root}/<name>); "${source}" is not. Use a named volume instead, e.g. data:${target}.`);
    }
    return { kind: 'host', source: resolved, target };
  }
  if (!VOLUME_NAME.test(source)) {
    throw new BerthError('INVALID_STORAGE_MOUNT', `"${source}" is neither an absolute host path nor a volume name (lowercase letters, digits, ._-).`);
  }
  return { kind: 'volume', source: appVolumeName(o.appId, source), target };
}
