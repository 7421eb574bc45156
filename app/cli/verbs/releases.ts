import { appPath } from '../api-client';
import type { QueuedBuild, ReleaseRecord, ReleasesListResponse, RollbackPlanView as RollbackPlan, RollbackPlanResponse } from '../api-types';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { bytes, table } from '../output';
import type { ArgSpec, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/** What the rollback will do, before it does it: the release and each config var that changes (names only). */
function describePlan(app: string, p: RollbackPlan): string[] {
  const lines = [`-----> Rolling ${app} back from v${p.from} to v${p.to} (${p.description}): its code and its config vars`];
  const { added, removed, changed } = p.config;
  if (added.length + removed.length + changed.length === 0) lines.push('       Config vars: no change');
  if (added.length) lines.push(`       Config vars set again: ${added.join(', ')}`);
  if (changed.length) lines.push(`       Config vars that get v${p.to}'s value: ${changed.join(', ')}`);
  if (removed.length) lines.push(`       Config vars removed (v${p.to} had none): ${removed.join(', ')}`);
  for (const s of p.data?.services ?? []) {
    const others = s.apps.filter((a) => a !== app);
    lines.push(`       Data: ${s.plugin} service ${s.service} is overwritten with the snapshot taken before v${p.data!.before} (${p.data!.createdAt}, ${bytes(s.size)})${others.length ? ` — also linked to ${others.join(', ')}` : ''}`);
  }
  return lines;
}

export const releasesVerbs: VerbGroup = {
  name: 'releases',
  summary: 'Releases and rollback',
  verbs: [
    {
      name: 'releases',
      aliases: ['releases:list'],
      usage: 'berth releases <app>',
      summary: 'List an app\'s releases, newest first; `*` marks the one serving.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<ReleasesListResponse>(appPath(ctx.arg('app'), '/releases'));
        if (ctx.json) return ctx.out.json(res);
        if (!res.releases.length) return ctx.out.note(`${ctx.arg('app')} has no releases yet: push it first`);
        ctx.out.write(table(['', 'VERSION', 'CREATED', 'USER', 'SHA', 'IMAGE', 'DESCRIPTION', 'DATA SNAPSHOT'], res.releases.map((r) => [
          r.current ? '*' : '', `v${r.version}`, r.createdAt, r.user, r.gitSha?.slice(0, 7), r.image, r.description,
          r.snapshot ? `${r.snapshot.services.map((s) => `${s.plugin}/${s.service}`).join(', ')} ${bytes(r.snapshot.size)}` : '',
        ])));
        const kept = res.releases.reduce((n, r) => n + (r.snapshot?.size ?? 0), 0);
        if (kept > 0) ctx.out.note(`Data snapshots (taken before release commands) use ${bytes(kept)}; \`releases:rollback ${ctx.arg('app')} vN --restore-data\` brings back the one taken before the release after vN.`);
        // The deploy watch (deploy-watch:*): a release watched now, or one whose watch breached, says so.
        for (const r of res.releases) {
          const w = r.watch;
          if (w?.status === 'watching') ctx.out.line(`v${r.version} is watched until ${w.endsAt} (deploy-watch:report ${ctx.arg('app')})`);
          if (w?.status === 'rolled-back') ctx.out.line(`v${r.version} was rolled back automatically: ${w.reason}`);
          if (w?.status === 'alerted') ctx.out.line(`v${r.version} breached its deploy watch (not rolled back): ${w.reason}`);
        }
      },
    },
    {
      name: 'releases:rollback',
      usage: 'berth releases:rollback <app> [vN] [--restore-data] [--force]',
      summary: 'Release an earlier version again, its code and its config vars (default: the one before the current), and follow the build log. Says first which config vars change; on a terminal asks before it goes on unless --force. --restore-data also restores the linked databases from the snapshot taken before the release after vN (the data as vN left it); it always asks, or needs --force.',
      args: [APP, { name: 'vN', optional: true, summary: 'The version to go back to, e.g. v3; default the previous release.' }],
      options: [{ name: 'restore-data', summary: 'Also overwrite the linked databases with the snapshot taken before the release after vN (see `berth releases <app>`).' }],
      async run(ctx) {
        const raw = ctx.args.positional.vN;
        if (raw !== undefined && !/^v?[1-9]\d*$/.test(raw)) throw new CliError('USAGE', `"${raw}" is not a release version: use e.g. v3 (see \`berth releases ${ctx.arg('app')}\`)`);
        const version = raw === undefined ? undefined : Number(raw.replace(/^v/, ''));
        const restoreData = ctx.args.options['restore-data'] === true;
        const app = ctx.arg('app');
        const query = [version === undefined ? '' : `version=${version}`, restoreData ? 'restoreData=true' : ''].filter(Boolean).join('&');
        const { plan } = await ctx.api().get<RollbackPlanResponse>(appPath(app, `/releases/rollback${query ? `?${query}` : ''}`));
        if (!ctx.json) for (const line of describePlan(app, plan)) ctx.out.line(line);
        if (ctx.args.options.force !== true) {
          // Overwriting a database is not undone by another rollback: without a terminal to ask, it takes --force.
          if (restoreData && !ctx.out.interactive) throw new CliError('CONFIRMATION_REQUIRED', 'nothing was rolled back: --restore-data overwrites the linked databases; pass --force to confirm');
          if (ctx.out.interactive) {
            const answer = await ctx.out.ask(` !     Roll ${app} back to v${plan.to}${restoreData ? ' and overwrite its data' : ''}? [y/N] `);
            if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('CONFIRMATION_REQUIRED', `nothing was rolled back (answer y to roll back, or pass --force)`);
          }
        }
        const body = { ...(version === undefined ? {} : { version }), ...(restoreData ? { restoreData: true } : {}) };
        const res = await ctx.api().json<QueuedBuild>('POST', appPath(app, '/releases/rollback'), body);
        await followQueued(ctx, app, res);
      },
    },
  ],
};
