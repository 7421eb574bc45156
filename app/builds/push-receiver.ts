import fs from 'node:fs';
import { BerthError, asBerthError } from '../errors';
import type { PushedRef } from '../ports/git-repos';
import type { Store } from '../ports/store';
import type { BuildsService } from './builds-service';
import type { AppsReader } from '../apps/apps-reader';

export interface PushOutput {
  line(text: string): void;
  exit(code: number): void;
}

const ZERO = /^0{40}$/;

/** app/review-apps, as the receiver uses it: pushes to review/<name> make or remove `<app>-<name>`. */
export interface ReviewBranches {
  prepare(push: { parent: string; branch: string; snapshotPath: string; user: string }, line: (text: string) => void): Promise<string>;
  remove(o: { parent: string; branch: string; user: string }, line: (text: string) => void): Promise<void>;
}

const REVIEW_REF = 'refs/heads/review/';

/** What the pre-receive hook's call turns into: checks, a queued build, and its log streamed back. */
export class PushReceiver {
  constructor(private readonly deps: { apps: AppsReader; builds: BuildsService; review?: ReviewBranches }) {}

  async receive(push: PushedRef & { user: string }, out: PushOutput, signal?: AbortSignal): Promise<void> {
    try {
      const app = this.deps.apps.find(push.app);
      if (!app) throw new BerthError('APP_NOT_FOUND', `App "${push.app}" does not exist.`);
      const branch = push.ref.replace(/^refs\/heads\//, '');
      if (push.ref !== `refs/heads/${app.deployBranch}` && this.deps.review && push.ref.startsWith(REVIEW_REF)) {
        await this.reviewPush(push, branch, out, signal);
        return;
      }
      if (push.ref !== `refs/heads/${app.deployBranch}`) {
        throw new BerthError('WRONG_BRANCH', `Only pushes to "${app.deployBranch}" deploy ${push.app}; you pushed "${branch}". Push with \`git push paas ${branch}:${app.deployBranch}\` or change the deploy branch.`);
      }
      if (ZERO.test(push.newSha)) throw new BerthError('WRONG_BRANCH', `The deploy branch "${app.deployBranch}" cannot be deleted.`);
      await this.build(push, push.app, out, signal, { ref: push.ref, expectedOldSha: push.oldSha });
    } catch (e) {
      this.refuse(push, out, e);
    }
  }

  /**
   * review/<name>: the review app is made (or taken) and gets the pushed snapshot; deleting the
   * branch destroys it. The branch is not the review app's: no ref check on its build.
   */
  private async reviewPush(push: PushedRef & { user: string }, branch: string, out: PushOutput, signal?: AbortSignal): Promise<void> {
    const review = this.deps.review!;
    if (ZERO.test(push.newSha)) {
      await review.remove({ parent: push.app, branch, user: push.user }, (l) => out.line(l));
      out.exit(0);
      return;
    }
    const app = await review.prepare({ parent: push.app, branch, snapshotPath: push.snapshotPath, user: push.user }, (l) => out.line(l));
    await this.build(push, app, out, signal, {});
  }

  private async build(push: PushedRef & { user: string }, app: string, out: PushOutput, signal: AbortSignal | undefined, race: { ref?: string; expectedOldSha?: string }): Promise<void> {
    const { build, ahead } = await this.deps.builds.enqueue({
      app, kind: 'push', source: push.newSha, snapshotPath: push.snapshotPath, user: push.user, ...race,
    });
    out.line(`-----> Build ${build.id} queued for ${app}${ahead > 0 ? ` behind ${ahead} build${ahead === 1 ? '' : 's'}` : ''}`);
    const ended = await this.deps.builds.follow(build, (l) => out.line(l), signal);
    out.exit(ended.status === 'succeeded' ? 0 : 1);
  }

  private refuse(push: PushedRef, out: PushOutput, e: unknown): void {
    if (push.snapshotPath) fs.rm(push.snapshotPath, { force: true }, () => undefined);
    // The code too, as the push gate's refusals (push-gate.ts gitRefusal) carry it.
    const err = asBerthError(e);
    out.line(`!     ${err.message} (${err.code})`);
    out.exit(1);
  }
}
