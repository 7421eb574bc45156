import type { ReleaseRecord } from '../ports/store';

/**
 * After a restore, an app deployed from a ready image (`apps:deploy-image`, no repo to rebuild
 * from) is released again from an image this host has: its current release's own image
 * (`berth/<app>:vN`, still there on the same host), else the image it was deployed from (tagged
 * again as a new release; one on a registry is pulled with a `registry:login`). Without either,
 * the line says what to do.
 */
export interface ImageAppDeps {
  readonly current: (app: string) => ReleaseRecord | null;
  /** The app's releases, newest first. */
  readonly releases: (app: string) => readonly ReleaseRecord[];
  readonly hasImage: (ref: string) => Promise<boolean>;
  /** A new release of the current one (its image, the present config); answers the build's id. */
  readonly redeploy: (app: string, reason: string) => Promise<number>;
  /** `apps:deploy-image` of `ref`; answers the build's id. */
  readonly deployImage: (app: string, ref: string) => Promise<number>;
}

export type ImageAppOutcome = { readonly build: number; readonly line: string } | { readonly build: null; readonly line: string };

/** A registry host first (`host.tld/…`, `host:port/…`, `localhost/…`): such an image can be pulled. */
const FROM_REGISTRY = /^(?:[a-z0-9-]+\.[a-z0-9.-]+|[a-z0-9.-]+:\d{1,5}|localhost)\//;

export async function redeployImageApp(d: ImageAppDeps, app: string): Promise<ImageAppOutcome> {
  const current = d.current(app);
  if (!current) return { build: null, line: `app ${app}: restored (never deployed, nothing to build)` };
  // The image it was deployed from: the newest image deploy (later config changes and rollbacks copy berth's own tag).
  const source = d.releases(app).find((r) => r.description.startsWith('image '))?.description.slice('image '.length) ?? null;
  if (await d.hasImage(current.image)) {
    const build = await d.redeploy(app, `restore: v${current.version}'s image is on this host`);
    return { build, line: `app ${app}: restored; released again from its image ${current.image}, which this host has (build ${build})` };
  }
  if (source && (await d.hasImage(source) || FROM_REGISTRY.test(source))) {
    const build = await d.deployImage(app, source);
    return { build, line: `app ${app}: restored; deploying the image it was deployed from, ${source}, again (build ${build})` };
  }
  const ref = source ?? current.image;
  return {
    build: null,
    line: `app ${app}: restored, but not deployed: it runs the image ${ref}, which this host does not have and berth cannot rebuild (no repo). Load it (docker load) or push it to a registry berth can pull from, then \`berth apps:deploy-image ${app} ${ref}\`.`,
  };
}
