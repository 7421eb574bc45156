import { appPath } from '../api-client';
import type { QueuedBuild, ReleaseRecord } from '../api-types';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { table } from '../output';
import type { ArgSpec, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

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
        const res = await ctx.api().get<{ releases: ReleaseRecord[] }>(appPath(ctx.arg('app'), '/releases'));
        if (ctx.json) return ctx.out.json(res);
        if (!res.releases.length) return ctx.out.note(`${ctx.arg('app')} has no releases yet: push it first`);
        ctx.out.write(table(['', 'VERSION', 'CREATED', 'USER', 'SHA', 'IMAGE', 'DESCRIPTION'], res.releases.map((r) => [
          r.current ? '*' : '', `v${r.version}`, r.createdAt, r.user, r.gitSha?.slice(0, 7), r.image, r.description,
        ])));
      },
    },
    {
      name: 'releases:rollback',
      usage: 'berth releases:rollback <app> [vN]',
      summary: 'Release an earlier version again (default: the one before the current) and follow the build log.',
      args: [APP, { name: 'vN', optional: true, summary: 'The version to go back to, e.g. v3; default the previous release.' }],
      options: [],
      async run(ctx) {
        const raw = ctx.args.positional.vN;
        if (raw !== undefined && !/^v?[1-9]\d*$/.test(raw)) throw new CliError('USAGE', `"${raw}" is not a release version: use e.g. v3 (see \`berth releases ${ctx.arg('app')}\`)`);
        const body = raw === undefined ? {} : { version: Number(raw.replace(/^v/, '')) };
        const res = await ctx.api().json<QueuedBuild>('POST', appPath(ctx.arg('app'), '/releases/rollback'), body);
        await followQueued(ctx, ctx.arg('app'), res);
      },
    },
  ],
};
