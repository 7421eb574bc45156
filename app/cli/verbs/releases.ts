import { appPath } from '../api-client';
import type { QueuedBuild, ReleaseRecord, ReleasesListResponse } from '../api-types';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { table } from '../output';
import type { ArgSpec, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

interface RollbackPlan { from: number; to: number; description: string; config: { added: string[]; removed: string[]; changed: string[] } }

/** What the rollback will do, before it does it: the release and each config var that changes (names only). */
function describePlan(app: string, p: RollbackPlan): string[] {
  const lines = [`-----> Rolling ${app} back from v${p.from} to v${p.to} (${p.description}): its code and its config vars`];
  const { added, removed, changed } = p.config;
  if (added.length + removed.length + changed.length === 0) return [...lines, '       Config vars: no change'];
  if (added.length) lines.push(`       Config vars set again: ${added.join(', ')}`);
  if (changed.length) lines.push(`       Config vars that get v${p.to}'s value: ${changed.join(', ')}`);
  if (removed.length) lines.push(`       Config vars removed (v${p.to} had none): ${removed.join(', ')}`);
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
        ctx.out.write(table(['', 'VERSION', 'CREATED', 'USER', 'SHA', 'IMAGE', 'DESCRIPTION'], res.releases.map((r) => [
          r.current ? '*' : '', `v${r.version}`, r.createdAt, r.user, r.gitSha?.slice(0, 7), r.image, r.description,
        ])));
      },
    },
    {
      name: 'releases:rollback',
      usage: 'berth releases:rollback <app> [vN] [--force]',
      summary: 'Release an earlier version again, its code and its config vars (default: the one before the current), and follow the build log. Says first which config vars change; on a terminal asks before it goes on unless --force.',
      args: [APP, { name: 'vN', optional: true, summary: 'The version to go back to, e.g. v3; default the previous release.' }],
      options: [],
      async run(ctx) {
        const raw = ctx.args.positional.vN;
        if (raw !== undefined && !/^v?[1-9]\d*$/.test(raw)) throw new CliError('USAGE', `"${raw}" is not a release version: use e.g. v3 (see \`berth releases ${ctx.arg('app')}\`)`);
        const body = raw === undefined ? {} : { version: Number(raw.replace(/^v/, '')) };
        const app = ctx.arg('app');
        const { plan } = await ctx.api().get<{ plan: RollbackPlan }>(appPath(app, `/releases/rollback${raw === undefined ? '' : `?version=${body.version}`}`));
        if (!ctx.json) for (const line of describePlan(app, plan)) ctx.out.line(line);
        if (ctx.out.interactive && ctx.args.options.force !== true) {
          const answer = await ctx.out.ask(` !     Roll ${app} back to v${plan.to}? [y/N] `);
          if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('CONFIRMATION_REQUIRED', `nothing was rolled back (answer y to roll back, or pass --force)`);
        }
        const res = await ctx.api().json<QueuedBuild>('POST', appPath(app, '/releases/rollback'), body);
        await followQueued(ctx, ctx.arg('app'), res);
      },
    },
  ],
};
