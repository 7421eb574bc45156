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

/** What the pre-receive hook's call turns into: checks, a queued build, and its log streamed back. */
export class PushReceiver {
  constructor(private readonly deps: { apps: AppsReader; builds: BuildsService }) {}

  async receive(push: PushedRef & { user: string }, out: PushOutput, signal?: AbortSignal): Promise<void> {
    try {
      const app = this.deps.apps.find(push.app);
      if (!app) throw new BerthError('APP_NOT_FOUND', `App "${push.app}" does not exist.`);
      const branch = push.ref.replace(/^refs\/heads\//, '');
      if (push.ref !== `refs/heads/${app.deployBranch}`) {
        throw new BerthError('WRONG_BRANCH', `Only pushes to "${app.deployBranch}" deploy ${push.app}; you pushed "${branch}". Push with \`git push paas ${branch}:${app.deployBranch}\` or change the deploy branch.`);
      }
      if (ZERO.test(push.newSha)) throw new BerthError('WRONG_BRANCH', `The deploy branch "${app.deployBranch}" cannot be deleted.`);
      const { build, ahead } = await this.deps.builds.enqueue({
        app: push.app, kind: 'push', source: push.newSha, snapshotPath: push.snapshotPath, user: push.user,
        ref: push.ref, expectedOldSha: push.oldSha,
      });
      out.line(`-----> Build ${build.id} queued for ${push.app}${ahead > 0 ? ` behind ${ahead} build${ahead === 1 ? '' : 's'}` : ''}`);
      const ended = await this.deps.builds.follow(build, (l) => out.line(l), signal);
      out.exit(ended.status === 'succeeded' ? 0 : 1);
    } catch (e) {
      if (push.snapshotPath) fs.rm(push.snapshotPath, { force: true }, () => undefined);
      // The code too, as the push gate's refusals (push-gate.ts gitRefusal) carry it.
      const err = asBerthError(e);
      out.line(`!     ${err.message} (${err.code})`);
      out.exit(1);
    }
  }
}
