import { execFile } from 'node:child_process';
import path from 'node:path';

/** The file an app ships to replace berth's server blocks (as dokku's nginx.conf.sigil). */
export const APP_TEMPLATE_FILE = 'nginx.conf.njk';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const APP = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Reads `nginx.conf.njk` at a commit from the app's bare repo (`<reposDir>/<app>.git`); null when
 * the commit has no such file. Only a full sha and a valid app name reach git's arguments.
 */
export function repoTemplateReader(reposDir: string): (app: string, sha: string) => Promise<string | null> {
  return (app, sha) => new Promise((resolve) => {
    if (!APP.test(app) || !SHA.test(sha)) { resolve(null); return; }
    execFile('git', ['--git-dir', path.join(reposDir, `${app}.git`), 'show', `${sha}:${APP_TEMPLATE_FILE}`],
      { timeout: 15_000, maxBuffer: 1024 * 1024 }, (err, stdout) => resolve(err ? null : stdout));
  });
}
