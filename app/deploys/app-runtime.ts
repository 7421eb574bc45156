import type { AppResources } from '../apps';
import type { GitRepos } from '../ports/git-repos';
import type { Router } from '../ports/router';
import type { ContainerEngine } from '../ports/container-engine';
import type { ReleasesReader } from '../releases/releases-reader';
import type { ProcessesWriter } from '../processes/processes-reader';
import { imageRepo } from '../naming/container-names';
import { composeImageOf, ownImageTypes } from '../compose';

/** Everything outside SQLite that belongs to an app: its repo, containers, route and images. */
export class AppRuntime implements AppResources {
  constructor(private readonly deps: {
    repos: GitRepos; router: Router; engine: ContainerEngine;
    /** The app's releases (their images go with it) and its stopped mark, through their owners. */
    releases: Pick<ReleasesReader, 'current' | 'list'>;
    states: Pick<ProcessesWriter, 'setStopped'>;
    /** The app's processes on every scheduler (stopAll: at once, those being retired too) and its own network. */
    processes: { stopAll(app: string): Promise<void>; removeNetwork(app: string): Promise<void> };
    /** Redeploys the current release (through the build queue) after a rename. */
    redeploy: (app: string, reason: string) => Promise<void>;
    /** Other per-app state to drop when an app goes away or changes name (log archive, cron). */
    forget?: (app: string) => Promise<void>;
    /** Removes (or, kept, leaves) the app's volumes and storage folder: app/storage's removeData. */
    removeData?: (app: string, keep: boolean) => Promise<void>;
  }) {}

  async created(app: string): Promise<void> {
    await this.deps.repos.ensureRepo(app);
  }

  async renamed(from: string, to: string): Promise<void> {
    await this.deps.processes.stopAll(from);
    await this.deps.router.remove(from);
    await this.deps.repos.renameRepo(from, to);
    await this.deps.forget?.(from);
    if (this.deps.releases.current(to)) await this.deps.redeploy(to, `renamed from ${from}`);
  }

  async destroyed(app: string, o: { keepData?: boolean } = {}): Promise<void> {
    // Marked stopped first: the reconciler would otherwise start the missing containers again while
    // the slower ones stop (seen: a compose service restarted on its volume, which then stayed in use).
    this.deps.states.setStopped(app, true);
    await this.deps.processes.stopAll(app);
    // A network left behind is named by the dead app's id: no other app can ever join it.
    await this.deps.processes.removeNetwork(app).catch((e: Error) => console.error(`berth: removing ${app}'s network: ${e.message}`));
    await this.deps.removeData?.(app, o.keepData === true);
    await this.deps.router.remove(app);
    await this.deps.repos.removeRepo(app);
    await this.deps.forget?.(app);
    for (const r of this.deps.releases.list(app)) {
      if (!r.image.startsWith(`${imageRepo(app)}:`)) continue;
      await this.deps.engine.removeImage(r.image).catch(() => undefined);
      for (const t of ownImageTypes(r.manifest?.compose)) await this.deps.engine.removeImage(composeImageOf(r.image, t)).catch(() => undefined);
    }
  }
}
