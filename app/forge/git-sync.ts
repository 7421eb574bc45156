import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import type { AppsReader } from '../apps';
import type { EventsService } from '../events';
import type { EnqueueRequest } from '../builds';
import type { ForgeStore } from '../ports/forge';
import type { GitCredentials, RemoteGit } from '../ports/remote-git';
import type { BuildRecord } from '../ports/store';
import { checkRemoteUrl, type OwnEndpoints } from './remote-url';

const REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;
const SHA = /^[0-9a-f]{40}$/;

export interface SyncRequest {
  readonly app: string;
  readonly url: unknown;
  /** A branch or tag; null/undefined: the remote's HEAD. */
  readonly ref?: unknown;
  /** dokku's --build-if-changes: nothing is built when the deploy branch holds the commit already. */
  readonly ifChanged?: boolean;
  /** Deploy exactly this commit (a webhook's `after`); it must arrive with the fetch of `ref`. */
  readonly commit?: string;
  /** With `commit`: build only when it is the head the fetch of `ref` found (a webhook's rule); else `head` says what is. */
  readonly requireHead?: boolean;
  readonly user: string | null;
}

export interface SyncResult {
  readonly commit: string;
  /** Host and path of the repository (no credentials). */
  readonly repository: string;
  /** The queued deploy; null when --build-if-changes found the commit deployed already. */
  readonly queued: { build: BuildRecord; ahead: number } | null;
  /** With `requireHead`: the head the fetch found (nothing was queued when it is not `commit`). */
  readonly head?: string;
}

/** A sync build's `source`: the commit, then where it came from (the release's description shows both). */
export const syncSource = (sha: string, repository: string): string => `${sha} ${repository}`;

/**
 * dokku's `git:sync --build`: fetch a remote repository's ref into the app's repo (simple-git, in
 * app/infra/git), then deploy that commit through the build queue. The deploy branch moves to it
 * when the release goes live (BuildRunner's `synced`), so the branch holds what runs, as after a push.
 */
export class GitSync {
  constructor(private readonly deps: {
    store: Pick<{ forge: ForgeStore }, 'forge'>;
    apps: AppsReader;
    repos: { ensureRepo(app: string): Promise<void>; resolveRef(app: string, ref: string): Promise<string | null>; archive(app: string, sha: string, dest: string): Promise<void> };
    remote: RemoteGit;
    builds: { enqueue(req: EnqueueRequest): Promise<{ build: BuildRecord; ahead: number }> };
    events: EventsService;
    own: OwnEndpoints;
    snapshotsDir: string;
  }) {}

  async sync(req: SyncRequest): Promise<SyncResult> {
    const app = this.deps.apps.find(req.app);
    if (!app) throw new BerthError('APP_NOT_FOUND', `App "${req.app}" does not exist; \`berth apps:list\` shows your apps.`);
    const ref = req.ref === undefined || req.ref === null || req.ref === '' ? null : req.ref;
    if (ref !== null && (typeof ref !== 'string' || !REF.test(ref))) {
      throw new BerthError('INVALID_INPUT', `"${String(ref).slice(0, 60)}" is not a branch or tag name.`);
    }
    const remote = await checkRemoteUrl(req.url, this.deps.own);
    await this.deps.repos.ensureRepo(app.name);
    let commit = await this.deps.remote.fetch({ app: app.name, url: remote.url, ref, credentials: this.deps.store.forge.credentials(app.name) });
    if (req.requireHead && req.commit !== undefined && req.commit !== commit) {
      return { commit: req.commit, repository: remote.shown, queued: null, head: commit };
    }
    if (req.commit !== undefined) {
      if (!SHA.test(req.commit) || !(await this.deps.remote.hasCommit(app.name, req.commit))) {
        throw new BerthError('GIT_FETCH_FAILED', `Commit ${req.commit.slice(0, 40)} is not on ${ref ?? 'HEAD'} of ${remote.shown}.`);
      }
      commit = req.commit;
    }
    this.deps.events.record({ app: app.name, kind: 'git.synced', message: `fetched ${commit.slice(0, 7)} (${ref ?? 'HEAD'}) from ${remote.shown}`, user: req.user });
    if (req.ifChanged && (await this.deps.repos.resolveRef(app.name, `refs/heads/${app.deployBranch}`)) === commit) {
      return { commit, repository: remote.shown, queued: null };
    }
    fs.mkdirSync(this.deps.snapshotsDir, { recursive: true });
    const snapshot = path.join(this.deps.snapshotsDir, `sync-${crypto.randomUUID()}.tar`);
    await this.deps.repos.archive(app.name, commit, snapshot);
    try {
      const queued = await this.deps.builds.enqueue({ app: app.name, kind: 'sync', source: syncSource(commit, remote.shown), snapshotPath: snapshot, user: req.user });
      return { commit, repository: remote.shown, queued };
    } catch (e) {
      fs.rmSync(snapshot, { force: true });
      throw e;
    }
  }

  /** What the app authenticates with (never the secret). */
  credentialsOf(app: string): { kind: GitCredentials['kind']; username: string | null } | null {
    this.requireApp(app);
    const c = this.deps.store.forge.credentials(app);
    return c ? { kind: c.kind, username: c.kind === 'token' ? c.username : null } : null;
  }

  /** `git:auth <app>`: an HTTPS token (with its user name) or an SSH deploy key (a private key, PEM/OpenSSH). */
  setCredentials(app: string, input: { kind: unknown; username?: unknown; secret: unknown }, user: string | null): void {
    this.requireApp(app);
    const { kind, username, secret } = input;
    if (typeof secret !== 'string' || secret.trim() === '' || secret.length > 16384) throw new BerthError('INVALID_INPUT', 'Give the token or private key on stdin (not empty, at most 16 KiB).');
    let credentials: GitCredentials;
    if (kind === 'token') {
      const name = username === undefined || username === null || username === '' ? 'git' : username;
      if (typeof name !== 'string' || !/^[^\s:]{1,200}$/.test(name)) throw new BerthError('INVALID_INPUT', 'The user name has no spaces or colons (GitLab: oauth2, GitHub: x-access-token or any).');
      if (/[\r\n]/.test(secret.trim())) throw new BerthError('INVALID_INPUT', 'A token is one line.');
      credentials = { kind: 'token', username: name, secret: secret.trim() };
    } else if (kind === 'key') {
      if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret.trim())) throw new BerthError('INVALID_INPUT', 'A deploy key is a private key file\'s text (-----BEGIN OPENSSH PRIVATE KEY-----…), without a passphrase.');
      credentials = { kind: 'key', secret: `${secret.trim()}\n` };
    } else {
      throw new BerthError('INVALID_INPUT', '"kind" is token or key.');
    }
    this.deps.store.forge.setCredentials(app, credentials);
    this.deps.events.record({ app, kind: 'config.changed', message: `git:auth set (${kind === 'token' ? `token for ${credentials.kind === 'token' ? credentials.username : ''}` : 'deploy key'})`, user });
  }

  removeCredentials(app: string, user: string | null): void {
    this.requireApp(app);
    if (!this.deps.store.forge.setCredentials(app, null)) throw new BerthError('INVALID_INPUT', `${app} has no git:auth credentials.`);
    this.deps.events.record({ app, kind: 'config.changed', message: 'git:auth removed', user });
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
