import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isAppName } from '../../naming';

/** The file an app ships to replace berth's server blocks (as dokku's nginx.conf.sigil). */
export const APP_TEMPLATE_FILE = 'nginx.conf.njk';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Reads `nginx.conf.njk` at a commit from the app's bare repo (`<reposDir>/<app>.git`); null when
 * the commit has no such file. Only a full sha and a valid app name reach git's arguments.
 */
export function repoTemplateReader(reposDir: string): (app: string, sha: string) => Promise<string | null> {
  return (app, sha) => new Promise((resolve) => {
    if (!isAppName(app) || !SHA.test(sha)) { resolve(null); return; }
    const repo = path.join(reposDir, `${app}.git`);
    execFile('git', ['--git-dir', repo, 'show', `${sha}:${APP_TEMPLATE_FILE}`], {
      timeout: 15_000, maxBuffer: 1024 * 1024,
      env: { ...process.env, GIT_ALTERNATE_OBJECT_DIRECTORIES: quarantineDirs(repo).join(':') },
    }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/**
 * A push deploys from inside git's pre-receive hook, while its objects still sit in quarantine
 * (`objects/tmp_objdir-incoming-*`); naming those as alternates lets us read the pushed commit.
 */
function quarantineDirs(repo: string): string[] {
  try {
    return fs.readdirSync(path.join(repo, 'objects')).filter((n) => n.startsWith('tmp_objdir-incoming-')).map((n) => path.join(repo, 'objects', n));
  } catch {
    return [];
  }
}
