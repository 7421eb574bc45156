import fs from 'node:fs';
import { appPath, type ApiClient } from '../api-client';
import type { QueuedBuild } from '../api-types';
import { upload } from '../verbs/service-streams';
import { appGitUrl, gitWithToken } from '../git-transfer';
import type { DokkuApp, DokkuHost, DokkuService } from './read-host';

/** What the import did not carry over: `skipped` is known to have no place in berth, `failed` is what berth refused. */
export interface ImportReport {
  readonly imported: string[];
  readonly skipped: string[];
  readonly failed: string[];
}

export interface ImportDeps {
  readonly api: ApiClient;
  readonly line: (text: string) => void;
  /** Follows a queued build's log; throws when it fails. */
  readonly follow: (app: string, queued: QueuedBuild) => Promise<void>;
  /** The environment git runs with (the CLI's). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A service's base API path. */
const svcPath = (s: DokkuService, rest = ''): string => `/api/v1/services/${encodeURIComponent(s.plugin)}/${encodeURIComponent(s.name)}${rest}`;

/**
 * Creates in berth what readDokkuHost found, through berth's API (so the caller's role decides what
 * may be done, as for any other verb): each app with its settings, then the services with their
 * data and links, then each app's repo is pushed (deploying it) and scaled. A step berth refuses
 * is reported and the rest goes on; an app or service that exists in berth already is left alone.
 */
export async function applyPlan(host: DokkuHost, d: ImportDeps): Promise<ImportReport> {
  const report: ImportReport = { imported: [], skipped: [...host.notes], failed: [] };
  const stepFor = (subject: string): Step => async (what, fn) => {
    try {
      await fn();
      d.line(`       ${what}`);
      return true;
    } catch (e) {
      report.failed.push(`${subject}: ${what}: ${(e as Error).message}`);
      d.line(`   !   ${what}: ${(e as Error).message}`);
      return false;
    }
  };
  const created = new Set<string>();
  for (const app of host.apps) {
    d.line(`=====> app ${app.name}`);
    const step = stepFor(`app ${app.name}`);
    if (!await step('created', () => d.api.json('POST', '/api/v1/apps', { name: app.name }))) continue;
    created.add(app.name);
    report.imported.push(`app ${app.name}`);
    await applySettings(app, d, step, report);
  }
  for (const svc of host.services) {
    d.line(`=====> ${svc.plugin} ${svc.name}`);
    const step = stepFor(`${svc.plugin} ${svc.name}`);
    if (!await step('created', () => d.api.json('POST', `/api/v1/services/${encodeURIComponent(svc.plugin)}`, { name: svc.name }))) continue;
    report.imported.push(`${svc.plugin} ${svc.name}`);
    if (svc.image) report.skipped.push(`${svc.plugin} ${svc.name}: dokku ran the image ${svc.image}; berth runs its own ${svc.plugin} image (\`berth ${svc.plugin}:upgrade ${svc.name} -i <image>\` to choose)`);
    if (svc.dump) {
      await step(`data restored from ${svc.name}.dump`, () => upload(d.api, svcPath(svc, '/import'), fs.createReadStream(svc.dump!)));
    } else {
      report.skipped.push(`${svc.plugin} ${svc.name}: no ${svc.name}.dump in its folder, so its data was not carried over (dokku ${svc.plugin}:export ${svc.name} > ${svc.name}.dump, then berth ${svc.plugin}:import ${svc.name} < ${svc.name}.dump)`);
    }
    for (const app of svc.links) {
      if (!created.has(app)) { report.skipped.push(`${svc.plugin} ${svc.name}: link to ${app} (not imported)`); continue; }
      await step(`linked to ${app}`, () => d.api.json('POST', svcPath(svc, '/links'), { app }));
    }
  }
  for (const app of host.apps.filter((a) => created.has(a.name))) {
    if (!app.repo) { report.skipped.push(`app ${app.name}: no ${app.deployBranch} branch in its repo, so nothing was deployed`); continue; }
    // berth keeps only the deploy branch, and a push to it deploys: the repo comes over by deploying it.
    d.line(`=====> deploying ${app.name} (${app.deployBranch})`);
    const pushed = await pushRepo(d, app);
    if (pushed !== 0) { report.failed.push(`app ${app.name}: git push exited with ${pushed}; nothing of it is deployed`); continue; }
    const scale = Object.entries(app.scale).filter(([type, n]) => !(type === 'web' && n === 1));
    if (scale.length) {
      await stepFor(`app ${app.name}`)(`scaled ${scale.map(([t, n]) => `${t}=${n}`).join(' ')}`, async () => {
        const queued = await d.api.json<QueuedBuild>('POST', appPath(app.name, '/ps/scale'), { scale: Object.fromEntries(scale) });
        await d.follow(app.name, queued);
      });
    }
  }
  return report;
}

type Step = (what: string, fn: () => Promise<unknown>) => Promise<boolean>;

async function applySettings(app: DokkuApp, d: ImportDeps, step: Step, report: ImportReport): Promise<void> {
  const patch = (rest: string, body: unknown) => () => d.api.json('PATCH', appPath(app.name, rest), body);
  const skip = (what: string) => report.skipped.push(`app ${app.name}: ${what}`);
  if (app.deployBranch !== 'main') await step(`deploy branch ${app.deployBranch}`, patch('/git', { deployBranch: app.deployBranch }));
  const keys = Object.keys(app.env);
  if (keys.length) await step(`config: ${keys.join(' ')}`, patch('/config', { set: app.env, restart: false }));
  if (app.vhosts.length) await step(`domains: ${app.vhosts.join(' ')}`, patch('/domains', { add: app.vhosts }));
  if (app.ports.length) await step(`ports: ${app.ports.join(' ')}`, patch('/ports', { set: app.ports }));
  for (const [key, value] of Object.entries(app.nginx)) await step(`nginx ${key} ${value}`, patch('/nginx', { set: { [key]: value } }));
  if (app.restartPolicy) await step(`restart policy ${app.restartPolicy}`, patch('/ps', { restartPolicy: app.restartPolicy }));
  for (const m of app.mounts) {
    // A dokku host folder (/var/lib/dokku/data/storage/<x>) becomes an app volume of that name: berth mounts no host folder from elsewhere.
    const hostPath = m.source.startsWith('/');
    const name = (hostPath ? m.source.split('/').filter(Boolean).pop() ?? 'data' : m.source).toLowerCase().replace(/[^a-z0-9_.-]/g, '-').replace(/^[^a-z0-9]+/, '') || 'data';
    const ok = await step(`storage ${name}:${m.target}`, () => d.api.json('POST', appPath(app.name, '/storage'), { mount: `${name}:${m.target}` }));
    if (ok && hostPath) skip(`storage ${m.source}:${m.target} is now the volume ${name}; its files were not copied (copy them in with berth run)`);
  }
  for (const o of app.dockerOptions) skip(`docker option ${o} (berth sets containers up itself: resource:limit, ps:set, storage:mount)`);
  if (app.tls) {
    const cert = fs.readFileSync(app.tls.certFile, 'utf8');
    const key = fs.readFileSync(app.tls.keyFile, 'utf8');
    await step('TLS certificate', () => d.api.json('POST', appPath(app.name, '/certs'), { cert, key }));
  }
  if (app.letsencrypt) skip(`letsencrypt: run \`berth letsencrypt:enable ${app.name}\` once its domains point at berth (certificates are issued anew)`);
  if (app.checksDisabled.length) await step(`checks disabled for ${app.checksDisabled.join(',')}`, patch('/checks', { action: 'disable', types: app.checksDisabled }));
  if (app.checksSkipped.length) await step(`checks skipped for ${app.checksSkipped.join(',')}`, patch('/checks', { action: 'skip', types: app.checksSkipped }));
  for (const n of app.notes) skip(n);
}

/** `git push` of the dokku repo's branch to berth's repo of the app. */
function pushRepo(d: ImportDeps, app: DokkuApp): Promise<number> {
  const refspec = `refs/heads/${app.deployBranch}:refs/heads/${app.deployBranch}`;
  // A copy made as root belongs to another user: git refuses such a repo unless told it is safe.
  return gitWithToken({ api: d.api, env: d.env, onLine: d.line, args: ['-c', `safe.directory=${app.repo}`, '--git-dir', app.repo!, 'push', appGitUrl(d.api, app.name), refspec] });
}
