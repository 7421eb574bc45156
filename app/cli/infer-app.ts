import { spawnSync } from 'node:child_process';
import type { CliIo } from './types';

const APP = '([a-z][a-z0-9-]{0,62})';
/** berth's push URLs: `…/git/<app>.git` (HTTP), `ssh://…/<app>` and `berth@host:<app>` (SSH). */
const FORMS = [new RegExp(`/git/${APP}\\.git/?$`), new RegExp(`^ssh://[^/]+/${APP}(?:\\.git)?/?$`), new RegExp(`^[^/:@]+@[^/:]+:${APP}(?:\\.git)?$`)];

/** The app named by a push URL of berth, or null. */
export function appOfRemoteUrl(url: string): string | null {
  for (const form of FORMS) {
    const m = form.exec(url.trim());
    if (m) return m[1];
  }
  return null;
}

/**
 * The app of the current repo's `paas` remote (as Heroku reads its `heroku` remote), or null: not
 * in a repo, no such remote, or not a berth URL. Never over SSH, where the directory is berth's.
 */
export function inferApp(io: CliIo): string | null {
  if (io.localFiles === false) return null;
  const r = spawnSync('git', ['remote', 'get-url', 'paas'], { cwd: io.cwd, env: { ...io.env }, encoding: 'utf8' });
  return r.status === 0 ? appOfRemoteUrl(r.stdout) : null;
}
