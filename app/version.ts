import fs from 'node:fs';
import path from 'node:path';

/** The project's root (dist/app → ../..): package.json and the git checkout berth was installed from. */
export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** berth's version, from its package.json. */
export function berthVersion(root = PROJECT_ROOT): string {
  return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The git commit berth's checkout is at, read from .git's files (no git program needed at run
 * time); null when berth was not installed from a git checkout or the ref cannot be found.
 */
export function gitCommit(root = PROJECT_ROOT): string | null {
  try {
    let gitDir = path.join(root, '.git');
    // A worktree's .git is a file naming its git directory; refs live in the common directory.
    if (fs.statSync(gitDir).isFile()) gitDir = path.resolve(root, fs.readFileSync(gitDir, 'utf8').replace(/^gitdir:\s*/, '').trim());
    const commonFile = path.join(gitDir, 'commondir');
    const common = fs.existsSync(commonFile) ? path.resolve(gitDir, fs.readFileSync(commonFile, 'utf8').trim()) : gitDir;
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    for (const dir of [gitDir, common]) {
      const file = path.join(dir, ref);
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    }
    const packed = fs.readFileSync(path.join(common, 'packed-refs'), 'utf8');
    return packed.split('\n').map((l) => l.split(' ')).find(([, name]) => name === ref)?.[0] ?? null;
  } catch {
    return null;
  }
}
