import type { SourceView } from '../ports/buildpack';
import { findComposeFile, parseCompose, type ComposePlan } from '../compose';
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
export function composeManifest(file: string, source: SourceView, appJson: AppManifest, log: (l: string) => void, storageRoot: string | null = null): { plan: ComposePlan; manifest: AppManifest } {
  const parsed = parseCompose(source.read(file) ?? '', file, (p) => source.read(p), storageRoot);
  const { plan } = parsed;
  log(`-----> Deploying ${file}: ${plan.order.map((t) => plan.services[t].name === t ? t : `${plan.services[t].name} (as ${t})`).join(', ')}`);
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
  return Object.fromEntries(plan.order.map((t) => {
    const s = plan.services[t];
    const cmd = [...(s.entrypoint ?? []), ...(s.command ?? [])].join(' ');
    return [t, cmd || (s.image ? `(${s.image})` : '(image command)')];
  }));
}
