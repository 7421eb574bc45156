import crypto from 'node:crypto';
import { assertAppName } from '../naming';
import { BerthError, asBerthError } from '../errors';
import type { GitHttpRequest, GitHttpResponse, GitStreamRequest, PushedRef } from '../ports/git-repos';
import type { AppRecord, UserRecord } from '../ports/store';
import type { Action } from '../users/authorize';
import { lockedError } from './builds-service';
import type { PushOutput } from './push-receiver';

export type GitService = 'git-upload-pack' | 'git-receive-pack';

/** Who asks for which app's repo, and whether to push (receive-pack) or fetch (upload-pack). */
export interface GitAccess {
  readonly user: UserRecord;
  /** The name as the client wrote it (path segment or SSH argument, `.git` already stripped). */
  readonly app: string;
  readonly pushing: boolean;
}

export interface PushGateDeps {
  readonly repos: {
    assertRoomToPush(): Promise<void>;
    ensureRepo(app: string): Promise<void>;
    serveHttp(request: GitHttpRequest, response: GitHttpResponse): Promise<void>;
    serveStream(request: GitStreamRequest): Promise<number>;
  };
  readonly apps: { find(name: string): AppRecord | null; create(name: string, user: string): Promise<unknown> };
  readonly access: { authorize(user: UserRecord, action: Action, app: string | null): void };
  /** BERTH_AUTO_CREATE: an admin's push to a missing app creates it. */
  readonly autoCreateApps: boolean;
  /** The secret the pre-receive hook sends back (app/infra/git/hook-client.ts). */
  readonly hookSecret: string;
  /** The hook's side: deploy branch, deploy lock, the queued build and its log (PushReceiver). */
  readonly receiver: { receive(push: PushedRef & { user: string }, out: PushOutput, signal?: AbortSignal): Promise<void> };
}

/**
 * The one gate every git transport (smart HTTP, SSH) goes through, so both refuse the same
 * request with the same code: the app-name rule, room on the disk, the app (created by an
 * admin's push when BERTH_AUTO_CREATE is on), the role check, the deploy lock, then git; the
 * pushed branch is checked by the pre-receive hook (`receive`). Who the user is stays the
 * transport's business (a token over HTTP, a key over SSH).
 */
export class PushGate {
  constructor(private readonly deps: PushGateDeps) {}

  /** Every check that can be made before git starts; resolves once the repo exists. */
  async admit({ user, app, pushing }: GitAccess): Promise<void> {
    assertAppName(app);
    const { repos, apps, access } = this.deps;
    if (pushing) await repos.assertRoomToPush();
    let record = apps.find(app);
    if (!record) {
      if (!pushing || !this.deps.autoCreateApps) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; create it with \`berth apps:create ${app}\`.`);
      access.authorize(user, 'admin', null);
      await apps.create(app, user.name);
      record = apps.find(app);
    }
    access.authorize(user, pushing ? 'write' : 'read', app);
    // Refused before the upload; the build queue checks again (the lock may be taken meanwhile).
    if (pushing && record?.locked) throw lockedError(app);
    await repos.ensureRepo(app);
  }

  /** git's smart HTTP for one request, after `admit`. */
  async serveHttp(access: GitAccess, request: Omit<GitHttpRequest, 'remoteUser'>, response: GitHttpResponse): Promise<void> {
    await this.admit(access);
    await this.deps.repos.serveHttp({ ...request, remoteUser: access.user.name }, response);
  }

  /** upload-pack or receive-pack over a stream (SSH), after `admit`; resolves to git's exit code. */
  async serveStream(access: GitAccess, request: Omit<GitStreamRequest, 'app' | 'user' | 'service'>): Promise<number> {
    await this.admit(access);
    return this.deps.repos.serveStream({
      ...request, app: access.app, user: access.user.name, service: access.pushing ? 'git-receive-pack' : 'git-upload-pack',
    });
  }

  /** True when the hook's secret header is ours (compared in constant time). */
  isHookSecret(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const a = Buffer.from(value);
    const b = Buffer.from(this.deps.hookSecret);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  /** The pre-receive hook's call: branch and lock checks, the queued build, its log streamed back. */
  receive(push: PushedRef & { user: string }, out: PushOutput, signal?: AbortSignal): Promise<void> {
    return this.deps.receiver.receive(push, out, signal);
  }
}

/** How either transport shows a refusal to git's user: the message, then the stable code. */
export function gitRefusal(e: unknown): string {
  const err = asBerthError(e);
  return `berth: ${err.message} (${err.code})\n`;
}
