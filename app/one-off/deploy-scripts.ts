import { BerthError } from '../errors';
import type { ReleaseRecord } from '../ports/store';
import { LineSplitter } from '../logs';
import type { OneOffRun } from './one-off-runner';

type Log = (line: string) => void;

/**
 * app.json's `scripts.dokku.predeploy` and `postdeploy`, each in a one-off container of the new
 * release, with its output in the deploy log; then `onLive` (cron registration).
 */
export class DeployScripts {
  constructor(private readonly deps: {
    /** The app's scheduler's `run` (Scheduler.run), which hands it to the OneOffRunner. */
    runner: { run(o: OneOffRun): Promise<number> };
    /** Called once the release serves; failures are logged, the release stays live. */
    onLive?: (release: ReleaseRecord) => Promise<void>;
  }) {}

  /** Throws DEPLOY_FAILED when predeploy exits non-zero: the switch does not happen. */
  async beforeDeploy(release: ReleaseRecord, log: Log): Promise<void> {
    const { predeploy } = release.manifest;
    if (!predeploy) return;
    const code = await this.script(release, 'predeploy', predeploy, log);
    if (code !== 0) {
      throw new BerthError('DEPLOY_FAILED', `The predeploy script (app.json scripts.dokku.predeploy) exited with code ${code}; the deploy was stopped and the previous release keeps serving.`);
    }
  }

  /** Never throws: the release is already live. */
  async afterDeploy(release: ReleaseRecord, log: Log): Promise<void> {
    try {
      const { postdeploy } = release.manifest;
      if (postdeploy) {
        const code = await this.script(release, 'postdeploy', postdeploy, log);
        if (code !== 0) log(`!     The postdeploy script exited with code ${code}; v${release.version} stays live.`);
      }
      await this.deps.onLive?.(release);
    } catch (e) {
      log(`!     After the deploy: ${(e as Error).message}`);
    }
  }

  private async script(release: ReleaseRecord, kind: 'predeploy' | 'postdeploy', command: string, log: Log): Promise<number> {
    log(`-----> Running ${kind}: ${command}`);
    const lines = new LineSplitter((ls) => ls.forEach((l) => log(`       ${l}`)));
    try {
      return await this.deps.runner.run({ app: release.app, release, command, kind, tag: kind, onOutput: (c) => lines.push(c) });
    } finally {
      lines.flush();
    }
  }
}
