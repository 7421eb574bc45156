import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './berth-process';

export interface GitResult { code: number; output: string }

/** A real git work tree made from a fixture app, pushing over smart HTTP with a token. */
export class WorkTree {
  private constructor(readonly dir: string) {}

  static fromFixture(fixture: string): WorkTree {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-wt-${fixture}-`));
    fs.cpSync(path.join(ROOT, 'test/fixtures/apps', fixture), dir, { recursive: true });
    const wt = new WorkTree(dir);
    wt.git(['init', '-q', '-b', 'main']);
    wt.commitAll('initial');
    return wt;
  }

  git(args: string[]): GitResult {
    const r = spawnSync('git', args, {
      cwd: this.dir, encoding: 'utf8', timeout: 900_000,
      env: {
        ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test',
        GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test',
      },
    });
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  }

  write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), content);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), 'utf8');
  }

  commitAll(message: string): void {
    this.git(['add', '-A']);
    const r = this.git(['commit', '-q', '--allow-empty', '-m', message]);
    if (r.code !== 0) throw new Error(r.output);
  }

  /** Pushes to http://berth:<token>@127.0.0.1:<port>/git/<app>.git. */
  push(berthUrl: string, token: string, app: string, refspec = 'main', extra: string[] = []): GitResult {
    const url = berthUrl.replace('http://', `http://berth:${token}@`) + `/git/${app}.git`;
    return this.git(['push', ...extra, url, refspec]);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
