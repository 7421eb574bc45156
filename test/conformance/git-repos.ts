import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as tar from 'tar-stream';
import type { GitRepos } from '../../app/ports/git-repos';

export interface OpenedGitRepos {
  readonly repos: GitRepos;
  /**
   * Puts a commit of `files` on `branch` of the app's repo (as a push would, without the hook)
   * and answers its sha.
   */
  commit(app: string, branch: string, files: Readonly<Record<string, string>>): Promise<string>;
  close(): Promise<void>;
}

/** The regular files of a tar, name → text. */
async function tarFiles(file: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => { if (header.type === 'file') out[header.name] = Buffer.concat(chunks).toString('utf8'); next(); });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  fs.createReadStream(file).pipe(extract);
  await done;
  return out;
}

/**
 * The repo lifecycle of the GitRepos port (app/ports/git-repos.ts) that apps, builds and the push
 * gate rely on: make, resolve, archive, rename, remove; and the names it refuses. Run against the
 * real adapter over bare repos and git (test/integration/git-repos-conformance.test.ts) and the unit
 * tests' InMemoryGitRepos (test/unit/conformance/git-repos.test.ts). Serving git (HTTP, SSH) is the
 * real adapter's alone and is tested end to end by git-transport and ssh.
 */
export function gitReposConformance(name: string, open: () => Promise<OpenedGitRepos>): void {
  describe(`git repos conformance: ${name}`, function () {
    this.timeout(20_000);
    let opened: OpenedGitRepos;
    let app: string;
    let dir: string;
    const main = 'refs/heads/main';
    beforeEach(async () => {
      opened = await open();
      app = `conf-${randomBytes(3).toString('hex')}`;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-git-conf-'));
    });
    afterEach(async () => {
      await opened?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a new repo has no refs; making it again keeps it; an app without a repo resolves nothing', async () => {
      await opened.repos.ensureRepo(app);
      assert.equal(await opened.repos.resolveRef(app, main), null);
      const sha = await opened.commit(app, 'main', { 'a.txt': 'one' });
      await Promise.all([opened.repos.ensureRepo(app), opened.repos.ensureRepo(app)]);
      assert.equal(await opened.repos.resolveRef(app, main), sha);
      assert.equal(await opened.repos.resolveRef(`${app}-none`, main), null);
    });

    it('a ref resolves to its commit\'s sha; another branch to nothing', async () => {
      await opened.repos.ensureRepo(app);
      const sha = await opened.commit(app, 'main', { 'a.txt': 'one' });
      assert.match(sha, /^[0-9a-f]{40}$/);
      assert.equal(await opened.repos.resolveRef(app, main), sha);
      assert.equal(await opened.repos.resolveRef(app, 'refs/heads/other'), null);
      const next = await opened.commit(app, 'main', { 'a.txt': 'two' });
      assert.notEqual(next, sha);
      assert.equal(await opened.repos.resolveRef(app, main), next);
    });

    it('archive writes a tar of exactly the commit\'s tree, an older commit too', async () => {
      await opened.repos.ensureRepo(app);
      const first = await opened.commit(app, 'main', { 'Procfile': 'web: node server.js\n', 'src/server.js': 'console.log(1)\n' });
      await opened.commit(app, 'main', { 'Procfile': 'web: node other.js\n' });
      const dest = path.join(dir, 'src.tar');
      await opened.repos.archive(app, first, dest);
      assert.deepEqual(await tarFiles(dest), { 'Procfile': 'web: node server.js\n', 'src/server.js': 'console.log(1)\n' });
    });

    it('archive of an app without a repo is APP_NOT_FOUND', async () => {
      await assert.rejects(opened.repos.archive(app, 'a'.repeat(40), path.join(dir, 'x.tar')), { code: 'APP_NOT_FOUND' });
    });

    it('rename moves the refs to the new name; a missing source is no error; onto an existing repo is APP_EXISTS', async () => {
      await opened.repos.ensureRepo(app);
      const sha = await opened.commit(app, 'main', { 'a.txt': 'one' });
      await opened.repos.renameRepo(app, `${app}-new`);
      assert.equal(await opened.repos.resolveRef(app, main), null);
      assert.equal(await opened.repos.resolveRef(`${app}-new`, main), sha);
      await opened.repos.renameRepo(`${app}-gone`, `${app}-other`);
      assert.equal(await opened.repos.resolveRef(`${app}-other`, main), null);
      await opened.repos.ensureRepo(app);
      await assert.rejects(opened.repos.renameRepo(`${app}-new`, app), { code: 'APP_EXISTS' });
      assert.equal(await opened.repos.resolveRef(`${app}-new`, main), sha, 'the refused rename moved nothing');
    });

    it('remove drops the repo and its refs; removing it again is no error', async () => {
      await opened.repos.ensureRepo(app);
      await opened.commit(app, 'main', { 'a.txt': 'one' });
      await opened.repos.removeRepo(app);
      assert.equal(await opened.repos.resolveRef(app, main), null);
      await opened.repos.removeRepo(app);
      await assert.rejects(opened.repos.archive(app, 'a'.repeat(40), path.join(dir, 'x.tar')), { code: 'APP_NOT_FOUND' });
    });

    it('a hostile app name never becomes a path, and a revision never an option', async () => {
      for (const bad of ['../escape', 'a/b', '-x', '']) {
        await assert.rejects(opened.repos.ensureRepo(bad), { code: 'INVALID_APP_NAME' }, bad);
        await assert.rejects(opened.repos.resolveRef(bad, main), { code: 'INVALID_APP_NAME' }, bad);
        await assert.rejects(opened.repos.removeRepo(bad), { code: 'INVALID_APP_NAME' }, bad);
      }
      await opened.repos.ensureRepo(app);
      await assert.rejects(opened.repos.resolveRef(app, '--output=/tmp/x'), { code: 'INVALID_INPUT' });
      await assert.rejects(opened.repos.archive(app, '-o/tmp/x', path.join(dir, 'x.tar')), { code: 'INVALID_INPUT' });
      await assert.rejects(opened.repos.renameRepo(app, '../escape'), { code: 'INVALID_APP_NAME' });
    });

    it('a disk with room lets a push through', async () => {
      await opened.repos.assertRoomToPush();
    });
  });
}
