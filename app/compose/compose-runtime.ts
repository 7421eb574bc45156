import { appVolumeName } from '../apps/resource-names';
import { BerthError } from '../errors';
import type { RunContainerOptions } from '../ports/container-engine';
import type { ReleaseRecord } from '../ports/store';
import type { ComposePlan } from '../manifest/compose-plan';

// `?.`: callers (and test fakes) may hand a release without a manifest; it then has no compose plan.
const planOf = (release: ReleaseRecord): ComposePlan | null => release.manifest?.compose ?? null;

/**
 * A compose service's container: berth's options for the process type (name, labels, network,
 * limits, the app's storage, berth's env) with the service's image, argv, environment (berth's
 * config wins), named volumes and its compose name as network alias. Other releases: unchanged.
 */
export function composeContainer(release: ReleaseRecord, type: string, appId: string | undefined, base: RunContainerOptions,
  /** The real, re-checked host folder of the app's storage named `dir` (StorageService.composeDirForStart). */
  storageDir?: (dir: string) => string): RunContainerOptions {
  const s = planOf(release)?.services[type];
  if (!s || appId === undefined) return base;
  return {
    ...base,
    image: s.image ?? (s.ownImage ? composeImageOf(base.image, type) : base.image),
    command: s.command ?? undefined,
    entrypoint: s.entrypoint ?? undefined,
    workingDir: s.workingDir ?? undefined,
    user: s.user ?? undefined,
    env: { ...s.environment, ...base.env },
    aliases: [s.name],
    mounts: [
      ...(base.mounts ?? []),
      ...s.volumes.map((v) => ({ source: appVolumeName(appId, v.volume), target: v.target, ...(v.readOnly ? { readOnly: true } : {}) })),
      ...(s.dirs ?? []).map((d) => {
        if (!storageDir) throw new BerthError('INVALID_STORAGE_MOUNT', `${s.name} mounts a folder of the app's storage, which this scheduler cannot give it.`);
        return { source: storageDir(d.dir), target: d.target, ...(d.readOnly ? { readOnly: true } : {}) };
      }),
    ],
  };
}

/**
 * The order a deploy starts process types in: a compose release's start order (each service after
 * the ones it depends on, whose checks pass before the next starts); else web first, then the rest.
 */
export function startOrderOf(release: ReleaseRecord, types: readonly string[]): string[] {
  const plan = planOf(release);
  if (plan) return [...plan.order.filter((t) => types.includes(t)), ...types.filter((t) => !plan.order.includes(t))];
  return [...types.filter((t) => t === 'web'), ...types.filter((t) => t !== 'web')];
}

/** The local images a compose release runs (services with `image:`), for the checks before release. */
export function composeImages(plan: ComposePlan): { service: string; image: string }[] {
  return plan.order.flatMap((t) => (plan.services[t].image ? [{ service: plan.services[t].name, image: plan.services[t].image! }] : []));
}

/** Process types whose old containers stop before new ones start: compose services writing to named volumes or storage folders. */
export function stopFirstTypes(release: ReleaseRecord): Set<string> {
  const plan = planOf(release);
  // Read-only mounts only (`:ro`): old and new containers may read at once, so zero downtime holds.
  return new Set(plan ? plan.order.filter((t) => !plan.services[t].oneShot && [...plan.services[t].volumes, ...(plan.services[t].dirs ?? [])].some((m) => !m.readOnly)) : []);
}

/**
 * The image of a service built from its own `build:`: the release's image name with `-<type>` added
 * to its tag (`berth/shop:v4` → `berth/shop:v4-worker`; the build's `…:build-12-worker`). A release
 * made from another (config change, rollback) tags these again beside its own, so each release
 * holds its services' images as it holds its own.
 */
export function composeImageOf(releaseImage: string, type: string): string {
  return `${releaseImage}-${type}`;
}

/** The process types of a compose plan that run their own image (ownImage); none for other releases. */
export function ownImageTypes(plan: ComposePlan | null | undefined): string[] {
  return plan ? plan.order.filter((t) => plan.services[t].ownImage) : [];
}

/** The services a deploy runs once, to completion, at their place in the start order. */
export function oneShotTypes(release: ReleaseRecord): Set<string> {
  const plan = planOf(release);
  return new Set(plan ? plan.order.filter((t) => plan.services[t].oneShot) : []);
}
