import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGitRepos } from '../../app/infra/git';
import { gitReposConformance } from '../conformance/git-repos';

// The real adapter: bare repos under a temporary folder, git itself. Commits reach a repo as a
// fetch into it (a push would run berth's pre-receive hook, which needs a berth to post to).
gitReposConformance('infra/git (bare repos, real git)', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-git-repos-'));
  const reposDir = path.join(home, 'repos');
  const repos = createGitRepos({ reposDir, snapshotsDir: path.join(home, 'snapshots'), hook: { url: 'http://127.0.0.1:9/unused', secret: 'unused' } });
  let n = 0;
  return {
    repos,
    async commit(app, branch, files) {
      const work = path.join(home, `work-${++n}`);
      const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8' }).trim();
      fs.mkdirSync(work);
      git('init', '-q', `--initial-branch=${branch}`);
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
        fs.writeFileSync(path.join(work, name), text);
      }
      git('add', '-A');
      git('-c', 'user.name=conformance', '-c', 'user.email=conformance@berth.test', 'commit', '-q', '-m', `commit ${n}`);
      // Each commit replaces the tree (as a force-push of a fresh history would).
      execFileSync('git', ['--git-dir', path.join(reposDir, `${app}.git`), 'fetch', '-q', work, `+refs/heads/${branch}:refs/heads/${branch}`]);
      return git('rev-parse', 'HEAD');
    },
    close: async () => { fs.rmSync(home, { recursive: true, force: true }); },
  };
});
