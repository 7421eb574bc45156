import crypto from 'node:crypto';
import fs from 'node:fs';
import * as tar from 'tar-stream';
import { BerthError } from '../../../app/errors';
import { assertAppName } from '../../../app/naming';
import { assertRevision } from '../../../app/infra/git/repo-paths';
import type { GitRepos } from '../../../app/ports/git-repos';

/**
 * Bare repos in memory for unit tests: refs per app and each commit's tree. Behaves as infra/git's
 * adapter does for the repo lifecycle (test/conformance/git-repos.ts holds both to it); serving git
 * over HTTP or SSH is the real adapter's alone.
 */
export class InMemoryGitRepos implements GitRepos {
  /** app → ref (`refs/heads/<branch>`) → sha. */
  readonly repos = new Map<string, Map<string, string>>();
  /** sha → the commit's files. */
  readonly trees = new Map<string, Readonly<Record<string, string>>>();

  async ensureRepo(app: string): Promise<void> {
    assertAppName(app);
    if (!this.repos.has(app)) this.repos.set(app, new Map());
  }

  async removeRepo(app: string): Promise<void> {
    assertAppName(app);
    this.repos.delete(app);
  }

  async renameRepo(from: string, to: string): Promise<void> {
    assertAppName(from);
    assertAppName(to);
    const refs = this.repos.get(from);
    if (!refs) return;
    if (this.repos.has(to)) throw new BerthError('APP_EXISTS', `A repository for "${to}" exists already.`);
    this.repos.delete(from);
    this.repos.set(to, refs);
  }

  async assertRoomToPush(): Promise<void> {}

  serveHttp(): Promise<void> { return Promise.reject(new Error('InMemoryGitRepos does not serve git')); }
  serveStream(): Promise<number> { return Promise.reject(new Error('InMemoryGitRepos does not serve git')); }

  async resolveRef(app: string, ref: string): Promise<string | null> {
    assertRevision(ref);
    assertAppName(app);
    return this.repos.get(app)?.get(ref) ?? null;
  }

  async archive(app: string, sha: string, dest: string): Promise<void> {
    assertRevision(sha);
    assertAppName(app);
    if (!this.repos.has(app)) throw new BerthError('APP_NOT_FOUND', `No repository for "${app}"; push to it first.`);
    const files = this.trees.get(sha);
    if (!files) throw new BerthError('INTERNAL', `git archive failed: not a tree object: ${sha}`);
    const pack = tar.pack();
    for (const [name, text] of Object.entries(files).sort()) pack.entry({ name }, text);
    pack.finalize();
    await new Promise<void>((resolve, reject) => {
      const out = fs.createWriteStream(dest);
      pack.pipe(out);
      out.on('finish', resolve);
      out.on('error', reject);
    });
  }

  /** A push without the hook: a commit of `files` on `branch`; answers its sha. */
  commit(app: string, branch: string, files: Readonly<Record<string, string>>): string {
    const refs = this.repos.get(app);
    if (!refs) throw new Error(`no repo ${app}`);
    const parent = refs.get(`refs/heads/${branch}`) ?? '';
    const sha = crypto.createHash('sha1').update(`${parent}\n${JSON.stringify(Object.entries(files).sort())}`).digest('hex');
    this.trees.set(sha, { ...files });
    refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }
}
