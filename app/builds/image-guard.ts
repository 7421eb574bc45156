import { BerthError } from '../errors';
import type { ContainerEngine, ImageInfo } from '../ports/container-engine';
import { imagesNamedIn } from './dockerfile-images';

/**
 * An app's images are `berth/<app>:v<N>` (releases) and `berth/<app>:build-<N>` (builds), also
 * under berth's registry (`<addr:port>/berth/<app>:v<N>`). Another app's image would hand this
 * app's users that app's code and whatever its build baked in (build args): docs/security.md.
 */
const APP_TAG = /^(?:v\d+|build-\d+)$/;

/** The app a name `[registry/]berth/<app>[:tag|@digest]` belongs to, if it is another app's. */
export function otherAppOfName(name: string, app: string, appExists: (name: string) => boolean): string | null {
  const parsed = berthName(name);
  if (!parsed || parsed.owner === app) return null;
  const { owner, tag, digest } = parsed;
  if (tag !== undefined && APP_TAG.test(tag)) return owner;
  // berth's own images share the namespace (berth/base:bookworm, berth/node:22.11.0): a tag that is
  // no app's is not an app's image; untagged (latest) or by digest, it is when the app exists.
  if (tag !== undefined && digest === undefined) return null;
  return appExists(owner) ? owner : null;
}

/**
 * Another app whose image this is, by any of its names (tags or repo digests), or null. An image
 * that also carries this app's own release or build name is this app's: identical builds of two
 * apps are one image with both names (reading it shows nothing the app does not have), and berth
 * gives an image an app's name only after this check passed for it.
 */
export function otherAppOwning(names: readonly string[], app: string, appExists: (name: string) => boolean): string | null {
  if (names.some((n) => isOwnName(n, app))) return null;
  for (const n of names) {
    const owner = otherAppOfName(n, app, appExists);
    if (owner) return owner;
  }
  return null;
}

/** `[registry/]berth/<name>[:tag][@digest]`, read as docker reads a reference; null for other names. */
function berthName(name: string): { owner: string; tag?: string; digest?: string } | null {
  const parts = name.toLowerCase().split('/');
  const first = parts[0];
  const path = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? parts.slice(1) : parts;
  if (path.length !== 2 || path[0] !== 'berth') return null;
  const m = /^([a-z0-9-]+)(?::([\w.-]+))?(?:@(\S+))?$/.exec(path[1]);
  return m ? { owner: m[1], tag: m[2], digest: m[3] } : null;
}

/** A release or build name berth gives this app (under any registry). */
function isOwnName(name: string, app: string): boolean {
  const n = berthName(name);
  return !!n && n.owner === app && n.tag !== undefined && APP_TAG.test(n.tag) && n.digest === undefined;
}

export interface ImageGuardDeps {
  readonly engine: Pick<ContainerEngine, 'inspectImage'>;
  readonly appExists: (name: string) => boolean;
  /** Throws when the image's registry is one berth does not pull from (this host's own addresses without a login). */
  readonly checkRegistry?: (ref: string) => Promise<void>;
}

const byId = (ref: string, info: ImageInfo): boolean =>
  /^sha256:/i.test(ref) || (/^[0-9a-f]{1,64}$/i.test(ref) && info.id.replace(/^sha256:/, '').startsWith(ref.toLowerCase()));

/**
 * Refuses (INVALID_IMAGE, before the build reads anything) a Dockerfile that names another app's
 * image in any spelling: by its name under any registry, through an ARG or a build arg, by id or
 * digest, or through the ONBUILD instructions of its base image. Images named by id are refused
 * outright: an old release's image that lost its tags is still on the host and has no owner to see.
 */
export async function checkDockerfileImages(text: string, app: string, buildArgs: Readonly<Record<string, string>>, deps: ImageGuardDeps, triggerOf?: string): Promise<void> {
  for (const named of imagesNamedIn(text, buildArgs)) {
    for (const ref of named.candidates) {
      const where = triggerOf ? `ONBUILD of ${triggerOf}` : `Dockerfile line ${named.line}`;
      const spelled = ref === named.written ? `"${ref}"` : `"${named.written}" (= "${ref}")`;
      const refuse = (owner: string) => {
        throw new BerthError('INVALID_IMAGE', `${where}: ${spelled} is app ${owner}'s image; an app builds on its own images or images from outside berth.`);
      };
      const named1 = otherAppOfName(ref, app, deps.appExists);
      if (named1) refuse(named1);
      await deps.checkRegistry?.(ref);
      let info: ImageInfo | null = null;
      try { info = await deps.engine.inspectImage(ref); } catch { info = null; }
      if (!info) continue;
      if (byId(ref, info)) {
        throw new BerthError('INVALID_IMAGE', `${where}: ${spelled} names an image by its id; name it as name[:tag] (an id can reach images of other apps that lost their names).`);
      }
      const owner = otherAppOwning([...(info.tags ?? []), ...(info.repoDigests ?? [])], app, deps.appExists);
      if (owner) refuse(owner);
      if (!triggerOf && info.onBuild && info.onBuild.length > 0) {
        // The triggers run in this build, with its ARGs: read with the Dockerfile's text before them.
        await checkDockerfileImages(`${text}\n${info.onBuild.join('\n')}`, app, buildArgs, deps, ref);
      }
    }
  }
}
