import { appPath } from '../api-client';
import type { BuildRecord, BuildResponse, BuildsListResponse } from '../api-types';
import { positiveIntOption } from '../argv';
import { CliError } from '../cli-error';
import { followBuildLog } from '../follow-build';
import { keyValues, table } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const ID: ArgSpec = { name: 'id', optional: true, summary: 'A build id from builds:list; default the latest build.' };

function buildId(ctx: VerbContext): number | 'latest' {
  const raw = ctx.args.positional.id;
  if (raw === undefined || raw === 'latest') return 'latest';
  const n = Number(raw.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new CliError('USAGE', `"${raw}" is not a build id: use a number from \`berth builds:list ${ctx.arg('app')}\``);
  return n;
}

const duration = (b: BuildRecord): string => {
  if (!b.startedAt) return '';
  const ms = (b.finishedAt ? Date.parse(b.finishedAt) : Date.now()) - Date.parse(b.startedAt);
  return Number.isFinite(ms) ? `${Math.round(ms / 1000)}s` : '';
};

export const buildsVerbs: VerbGroup = {
  name: 'builds',
  summary: 'Builds and their logs',
  verbs: [
    {
      name: 'builds:list',
      aliases: ['builds'],
      usage: 'berth builds:list <app> [-n N]',
      summary: 'List an app\'s builds, newest first.',
      args: [APP],
      options: [{ name: 'limit', short: 'n', value: 'N', summary: 'How many to show; default 20.' }],
      async run(ctx) {
        const limit = positiveIntOption(ctx.args.options.limit, 'limit', 20);
        const res = await ctx.api().get<BuildsListResponse>(appPath(ctx.arg('app'), `/builds?limit=${limit}`));
        if (ctx.json) return ctx.out.json(res);
        if (!res.builds.length) return ctx.out.note(`No builds yet: push with git, or berth apps:deploy-image ${ctx.arg('app')} <image>`);
        // One WHAT column: a KIND and a SOURCE column said "config" twice for a config change.
        ctx.out.write(table(['ID', 'STATUS', 'RELEASE', 'USER', 'CREATED', 'TOOK', 'WHAT'], res.builds.map((b) => [
          b.id, b.status, b.releaseVersion ? `v${b.releaseVersion}` : '', b.user, b.createdAt, duration(b), b.description ?? [b.kind, b.source].filter(Boolean).join(' '),
        ])));
      },
    },
    {
      name: 'builds:info',
      usage: 'berth builds:info <app> [id]',
      summary: 'Show one build: status, source, times, error.',
      args: [APP, ID],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<BuildResponse>(appPath(ctx.arg('app'), `/builds/${buildId(ctx)}`));
        if (ctx.json) return ctx.out.json(res);
        const b = res.build;
        ctx.out.heading(`${ctx.arg('app')} build ${b.id}`);
        ctx.out.write(keyValues([
          ['Status', b.status], ['Kind', b.kind], ['Source', b.source], ['User', b.user],
          ['Release', b.releaseVersion ? `v${b.releaseVersion}` : '-'], ['Created', b.createdAt],
          ['Started', b.startedAt ?? '-'], ['Finished', b.finishedAt ?? '-'], ['Took', duration(b) || '-'],
          ...(b.error ? [['Error', b.error] as const] : []),
        ]));
      },
    },
    {
      name: 'builds:log',
      usage: 'berth builds:log <app> [id] [-f]',
      summary: 'Print a build\'s log; with -f, follow it until the build ends (exit 1 unless it succeeded).',
      args: [APP, ID],
      options: [{ name: 'follow', short: 'f', summary: 'Keep printing lines as the build writes them.' }],
      async run(ctx) {
        const id = buildId(ctx);
        if (ctx.args.options.follow) return followBuildLog(ctx, ctx.arg('app'), id);
        ctx.out.write(await ctx.api().text(appPath(ctx.arg('app'), `/builds/${id}/log`)));
      },
    },
    {
      name: 'builds:cancel',
      usage: 'berth builds:cancel <app>',
      summary: 'Cancel the app\'s running build; the current release keeps serving.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<BuildResponse>('POST', appPath(ctx.arg('app'), '/builds/cancel'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Cancelling build ${res.build.id}`);
      },
    },
  ],
};
