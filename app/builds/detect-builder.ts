import { BerthError } from '../errors';
import type { Buildpack, SourceView } from '../ports/buildpack';

export type BuilderChoice =
  | { readonly kind: 'dockerfile'; readonly dockerfile: string }
  | { readonly kind: 'buildpack'; readonly buildpack: Buildpack };

/** Dockerfile first, then buildpacks in their declared order; overrides per app. */
export function detectBuilder(source: SourceView, buildpacks: readonly Buildpack[],
  overrides: { builder: string | null; buildpack: string | null }): BuilderChoice {
  if (overrides.builder !== 'buildpack' && source.has('Dockerfile')) return { kind: 'dockerfile', dockerfile: 'Dockerfile' };
  if (overrides.builder === 'dockerfile') {
    throw new BerthError('NO_BUILDER', 'The app is set to build from a Dockerfile (`berth builder:set`), but the repo has no Dockerfile at its root.');
  }
  if (overrides.buildpack) {
    const forced = buildpacks.find((b) => b.name === overrides.buildpack);
    if (!forced) throw new BerthError('NO_BUILDER', `Buildpack "${overrides.buildpack}" does not exist; available: ${buildpacks.map((b) => b.name).join(', ')}.`);
    return { kind: 'buildpack', buildpack: forced };
  }
  const found = buildpacks.find((b) => b.detect(source));
  if (found) return { kind: 'buildpack', buildpack: found };
  const tried = ['Dockerfile', ...buildpacks.map((b) => `${b.looksFor} (${b.name})`)];
  throw new BerthError('NO_BUILDER', `berth does not know how to build this app. It looked for: ${tried.join(', ')}. Add one of these, or deploy an image with \`berth apps:deploy-image\`.`);
}
