import path from 'node:path';
import { BerthError } from '../../errors';
import { isAppName } from '../../naming';

export { isAppName };

/** `<reposDir>/<app>.git`, after checking the name (it becomes a path and a git argument). */
export function repoPath(reposDir: string, app: string): string {
  if (!isAppName(app)) throw new BerthError('INVALID_APP_NAME', `"${app}" is not a valid app name.`);
  return path.join(reposDir, `${app}.git`);
}

/**
 * A revision given to git as an argument: never starting with `-` (it would be read as an
 * option), and only characters of ref names, shas and `^{}`/`~` suffixes.
 */
export function assertRevision(rev: string): void {
  if (!/^[A-Za-z0-9._/@^~{}+-]{1,255}$/.test(rev) || rev.startsWith('-')) {
    throw new BerthError('INVALID_INPUT', `"${rev}" is not a git revision.`);
  }
}
