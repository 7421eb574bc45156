import type { SourceView } from '../ports/buildpack';
import { BerthError } from '../errors';
import { findComposeFile, parseCompose, type ComposeBuild, type ComposePlan } from '../compose';
import type { AppManifest } from '../manifest';
import type { AppRecord } from '../ports/store';

/** The compose file found (unless the app is pinned to a Dockerfile or a buildpack: then the file is only for development). */
export function composeFileOf(app: AppRecord, source: SourceView): string | null {
  if (app.builder === 'dockerfile' || app.builder === 'buildpack' || app.buildpack !== null) return null;
  return findComposeFile((p) => source.has(p));
}

/**
 * Reads the compose file into a plan and the release's manifest: the services' healthchecks and
 * counts (deploy.replicas), under app.json's own (app.json wins for a type it names).
 */
export function composeManifest(file: string, source: SourceView, appJson: AppManifest, log: (l: string) => void, storageRoot: string | null = null,
  /** The app's config vars: the only source of the file's `${VAR}`s. */
  vars: Readonly<Record<string, string>> = {}): { plan: ComposePlan; manifest: AppManifest } {
  const parsed = parseCompose(source.read(file) ?? '', file, (p) => source.read(p), storageRoot, vars);
  const { plan } = parsed;
  const shown = (t: string) => `${plan.services[t].name === t ? t : `${plan.services[t].name} (as ${t})`}${plan.services[t].oneShot ? ' (once)' : ''}`;
  log(`-----> Deploying ${file}: ${plan.order.map(shown).join(', ')}`);
  for (const note of parsed.notes) log(`       ${note}`);
  return {
    plan,
    manifest: {
      ...appJson,
      healthchecks: { ...parsed.healthchecks, ...appJson.healthchecks },
      formation: { ...parsed.formation, ...appJson.formation },
      compose: plan,
    },
  };
}

/** What `ps` and the dashboard show as each service's command. */
export function composeProcesses(plan: ComposePlan): Record<string, string> {
  return Object.fromEntries(plan.order.filter((t) => !plan.services[t].oneShot).map((t) => {
    const s = plan.services[t];
    const cmd = [...(s.entrypoint ?? []), ...(s.command ?? [])].join(' ');
    return [t, cmd || (s.image ? `(${s.image})` : '(image command)')];
  }));
}

/**
 * A `build:` reads only the pushed repo: the context and the Dockerfile must be its own folders and
 * files, not symlinks (parseCompose already refused `..` and absolute paths). The context is cut
 * from the repo's archive, so a symlink would only ever show as an empty context; this says why.
 */
export function checkComposeContext(file: string, build: ComposeBuild, source: SourceView): void {
  const { context, dockerfile } = build;
  const prefixes = (p: string) => p.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  const linked = [...(context ? prefixes(context) : []), ...prefixes([context, dockerfile].filter(Boolean).join('/'))].find((p) => source.isLink?.(p));
  if (linked !== undefined) {
    throw new BerthError('INVALID_COMPOSE', `${file}: build "${context || '.'}" (dockerfile ${dockerfile}): "${linked}" is a symlink; berth builds from the repo's own folders and files only.`);
  }
  if (context && !source.files().some((f) => f.startsWith(`${context}/`))) {
    throw new BerthError('INVALID_COMPOSE', `${file}: build context "${context}" has no files at this commit.`);
  }
}
