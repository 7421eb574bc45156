import crypto from 'node:crypto';
import { BerthError } from '../errors';
import { isAppName } from '../naming';
import { parseReviewEnvironment, type ReviewEnvironment } from '../manifest';
import type { AppRecord, Store } from '../ports/store';
import type { ServiceLinkRecord } from '../ports/services';
import type { AppResources } from '../apps';

/** The branch prefix whose pushes make review apps (Heroku's and GitLab's word). */
export const REVIEW_PREFIX = 'review/';
/** What follows `review/`: one lowercase path segment, so `<app>-<name>` can be an app name. */
const REVIEW_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** services-kit's rule for service names (checked again there). */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** What the build module hands over for a push to review/<name> of `parent`. */
export interface ReviewPush {
  readonly parent: string;
  readonly branch: string;
  /** A tar of the pushed tree (the hook's snapshot); the queued build removes it. */
  readonly snapshotPath: string;
  readonly user: string;
}

export interface ReviewAppsDeps {
  /** The review-apps module's own table: `parent` and `branch` of each review app. */
  readonly store: Pick<Store, 'reviewApps' | 'transaction'>;
  readonly apps: {
    find(name: string): AppRecord | null;
    create(name: string, user: string | null): Promise<unknown>;
    destroy(name: string, confirm: unknown, user: string | null): Promise<void>;
  };
  readonly config: {
    values(app: string): Record<string, string>;
    apply(app: string, change: { set: Readonly<Record<string, string>>; unset: readonly string[] }, user: string | null): boolean;
  };
  /** The parent's collaborators become the review app's: who may push to the parent may manage its review apps. */
  readonly access: { collaborators(app: string): string[]; addCollaborator(app: string, user: string, by: string | null): void };
  readonly links: {
    ofApp(app: string): ServiceLinkRecord[];
    link(o: { plugin: string; name: string; app: string; alias: string; user: string | null }): Promise<unknown>;
  };
  /** `services: "new"`: an empty service of the parent's linked one's kind, destroyed with the review app (services-kit). */
  readonly services: {
    exists(plugin: string, name: string): boolean;
    create(o: { plugin: string; name: string; user: string | null }): Promise<unknown>;
    destroy(o: { plugin: string; name: string; confirm: string; force: boolean; user: string | null }): Promise<unknown>;
  };
  /** The review app's starting process counts (the processes module's formation). */
  readonly setFormation: (app: string, counts: Readonly<Record<string, number>>) => void;
  /** Reads app.json out of the snapshot (null: none). */
  readonly readAppJson: (snapshotPath: string) => Promise<string | null>;
  /** BERTH_REVIEW_APPS_MAX. */
  readonly max: number;
}

/**
 * Review apps: a push to `review/<name>` of an app makes (or updates) the app `<app>-<name>` from
 * the parent's config, app.json's `environments.review` and its services policy, and deploys the
 * pushed commit there; deleting the branch destroys it. The gate before this authorized the
 * pusher to write the parent, and nothing here names another app: the name is `<parent>-<name>`,
 * an existing app of that name is used only when it is this parent's review app, and the config
 * copied is the parent's.
 */
export class ReviewApps {
  constructor(private readonly deps: ReviewAppsDeps) {}

  /** True for `refs/heads/review/…`. */
  static isReviewRef(ref: string): boolean {
    return ref.startsWith(`refs/heads/${REVIEW_PREFIX}`);
  }

  /** The app a review branch of `parent` makes, or INVALID_REVIEW_APP saying why there is none. */
  nameFor(parent: string, branch: string): string {
    const name = branch.slice(REVIEW_PREFIX.length);
    const app = `${parent}-${name}`;
    if (!REVIEW_NAME.test(name) || !isAppName(app)) {
      throw new BerthError('INVALID_REVIEW_APP', `"${branch.slice(0, 80)}" would make the review app "${app.slice(0, 80)}", which is not a valid app name: after review/ use lowercase letters, digits and dashes, ${Math.max(0, 62 - parent.length)} characters at most for ${parent}.`);
    }
    return app;
  }

  /** The review app's parent, or null when `app` is none. */
  parentOf(app: string): string | null {
    return this.deps.store.reviewApps.get(app).parent ?? null;
  }

  /** The parent's review apps, by name. */
  of(parent: string): string[] {
    return this.deps.store.reviewApps.appsWith('parent', parent);
  }

  /**
   * A push to review/<name>: makes `<parent>-<name>` (or takes the one made before) and sets it up;
   * resolves to its name, for the caller to build the pushed snapshot there.
   */
  async prepare(push: ReviewPush, line: (text: string) => void): Promise<string> {
    const { parent, branch } = push;
    if (this.parentOf(parent) !== null) throw new BerthError('INVALID_REVIEW_APP', `${parent} is a review app itself; push review branches to ${this.parentOf(parent)}.`);
    const made = this.madeFor(parent, branch);
    const app = made ?? this.nameFor(parent, branch);
    const review = parseReviewEnvironment(await this.deps.readAppJson(push.snapshotPath));
    if (!made && this.deps.apps.find(app)) {
      throw new BerthError('REVIEW_APP_TAKEN', `An app named "${app}" exists and is not a review app of ${parent}; push to another review/<name> branch.`);
    }
    if (!made) await this.create(parent, app, branch, review, push.user, line);
    // Each push's app.json may change the overrides; the parent's config was copied once, at creation.
    else if (Object.keys(review.env).length > 0) this.deps.config.apply(app, { set: review.env, unset: [] }, push.user);
    return app;
  }

  /** The branch was deleted: destroy its review app (nothing to do when there is none). */
  async remove(o: { parent: string; branch: string; user: string }, line: (text: string) => void): Promise<void> {
    const app = this.madeFor(o.parent, o.branch);
    if (!app) {
      line(`-----> ${o.branch} had no review app`);
      return;
    }
    line(`-----> Destroying review app ${app}`);
    await this.destroy(app, o.user, line);
    line(`=====> Review app ${app} destroyed`);
  }

  /** The review app, then the services made for it (its links go with it; shared services stay the parent's). */
  private async destroy(app: string, user: string | null, line: (text: string) => void): Promise<void> {
    const made = this.madeServices(app);
    await this.deps.apps.destroy(app, app, user);
    for (const s of made) {
      await this.deps.services.destroy({ plugin: s.plugin, name: s.name, confirm: s.name, force: true, user });
      line(`       destroyed ${s.plugin} service ${s.name} and its data`);
    }
  }

  private madeServices(app: string): Array<{ plugin: string; name: string }> {
    return JSON.parse(this.deps.store.reviewApps.get(app).services ?? '[]') as Array<{ plugin: string; name: string }>;
  }

  /** The review app made for this branch of this parent (found by its record, so a rename keeps it), or null. */
  private madeFor(parent: string, branch: string): string | null {
    return this.of(parent).find((app) => this.deps.store.reviewApps.get(app).branch === branch) ?? null;
  }

  /** The parent goes: its review apps go first (left behind, an app made later under its name would inherit them). */
  async parentDestroyed(parent: string): Promise<void> {
    for (const app of this.of(parent)) await this.destroy(app, null, () => undefined);
  }

  /** The parent was renamed: its review apps stay its own. */
  parentRenamed(from: string, to: string): void {
    const { store } = this.deps;
    store.transaction(() => { for (const app of this.of(from)) store.reviewApps.apply(app, { parent: to }, []); });
  }

  private async create(parent: string, app: string, branch: string, review: ReviewEnvironment, user: string, line: (text: string) => void): Promise<void> {
    const { deps } = this;
    const count = this.of(parent).length;
    if (count >= deps.max) {
      throw new BerthError('REVIEW_APPS_LIMIT', `${parent} has ${count} review app${count === 1 ? '' : 's'} and BERTH_REVIEW_APPS_MAX allows ${deps.max}; delete one's branch (\`git push paas :review/<name>\`) first.`);
    }
    line(`-----> Creating review app ${app} from ${parent}`);
    await deps.apps.create(app, user);
    try {
      deps.store.transaction(() => deps.store.reviewApps.apply(app, { parent, branch }, []));
      for (const collaborator of deps.access.collaborators(parent)) deps.access.addCollaborator(app, collaborator, user);
      // One change, checked before anything else is made: a bad override (PORT, a bad key) leaves no app behind.
      const config = { ...deps.config.values(parent), ...review.env };
      if (Object.keys(config).length > 0) deps.config.apply(app, { set: config, unset: [] }, user);
      if (Object.keys(review.formation).length > 0) deps.setFormation(app, review.formation);
      if (review.services === 'shared') {
        for (const l of deps.links.ofApp(parent)) {
          await deps.links.link({ plugin: l.plugin, name: l.service, app, alias: l.alias, user });
          line(`       linked ${l.plugin} service ${l.service} as ${l.alias} (shared with ${parent})`);
        }
      }
      if (review.services === 'new') await this.newServices(parent, app, user, line);
    } catch (e) {
      // Half made is worse than not made: the next push starts again from the parent.
      await this.destroy(app, user, () => undefined).catch(() => undefined);
      throw e;
    }
  }

  /**
   * One new, empty service per service linked to the parent, of the same kind and under the same env
   * var; each is recorded before it is linked, so a failure part-way destroys what was made.
   */
  private async newServices(parent: string, app: string, user: string, line: (text: string) => void): Promise<void> {
    const { deps } = this;
    const made: Array<{ plugin: string; name: string }> = [];
    for (const l of deps.links.ofApp(parent)) {
      const name = this.serviceName(app, l.plugin, made.length);
      await deps.services.create({ plugin: l.plugin, name, user });
      made.push({ plugin: l.plugin, name });
      deps.store.reviewApps.apply(app, { services: JSON.stringify(made) }, []);
      await deps.links.link({ plugin: l.plugin, name, app, alias: l.alias, user });
      line(`       created ${l.plugin} service ${name}, linked as ${l.alias}`);
    }
  }

  /** The review app's name when it is a free service name (at most 40 characters), else one made from a hash of it. */
  private serviceName(app: string, plugin: string, index: number): string {
    const plain = index === 0 ? app : `${app}-${index + 1}`;
    if (SERVICE_NAME.test(plain) && !this.deps.services.exists(plugin, plain)) return plain;
    return `review-${crypto.createHash('sha256').update(`${app}\n${plugin}\n${index}`).digest('hex').slice(0, 12)}`;
  }
}

/** The app resources' calls, with a parent's review apps renamed with it and destroyed before it. */
export function withReviewApps(resources: AppResources, review: () => ReviewApps): AppResources {
  return {
    created: (app) => resources.created(app),
    renamed: async (from, to) => {
      await resources.renamed(from, to);
      review().parentRenamed(from, to);
    },
    destroyed: async (app, o) => {
      await review().parentDestroyed(app);
      await resources.destroyed(app, o);
    },
  };
}
