import { appPath } from '../api-client';
import type { AppDetail, CronListResponse, AppResponse } from '../api-types';
import { keyValues } from '../output';
import type { ArgSpec, Verb, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/**
 * dokku's `<area>:report <app>` for areas berth keeps in the app's own settings: the
 * `=====> <app> <area> information` block, and `--<property>` for one value.
 */
export function dokkuReport(area: string, summary: string, read: (ctx: VerbContext) => Promise<Record<string, string>>): Verb {
  return {
    name: `${area}:report`,
    usage: `berth ${area}:report <app> [--<property>]`,
    summary,
    args: [APP],
    options: [],
    properties: read,
    async run(ctx) {
      const values = await read(ctx);
      if (ctx.json) return ctx.out.json(values);
      ctx.out.heading(`${ctx.arg('app')} ${area} information`);
      // dokku's labels: the property name, dashes as spaces, first letter upper-case.
      const label = (k: string) => (k.charAt(0).toUpperCase() + k.slice(1)).replace(/-/g, ' ');
      ctx.out.write(keyValues(Object.entries(values).map(([k, v]) => [label(k), v])).replace(/^(?=.)/gm, '       '));
    },
  };
}

/** The app as `GET /apps/:app` answers it (the app named by the verb's app argument). */
export const appDetail = async (ctx: VerbContext): Promise<AppDetail> => (await ctx.api().get<AppResponse>(appPath(ctx.arg('app')))).app;

export const dokkuReports: VerbGroup = {
  name: 'reports',
  summary: 'dokku\'s reports of an app\'s builder, git, cron and buildpack settings',
  verbs: [
    dokkuReport('builder', 'Show which builder the app uses (dockerfile, buildpack, …; empty: detected at each build).', async (ctx) => {
      const a = await appDetail(ctx);
      return { 'builder-selected': a.builder ?? '', 'builder-computed-selected': a.builder ?? 'detected at build' };
    }),
    dokkuReport('buildpacks', 'Show the app\'s buildpack (empty: detected at each build).', async (ctx) => ({ 'buildpacks-list': (await appDetail(ctx)).buildpack ?? '' })),
    dokkuReport('git', 'Show the app\'s deploy branch.', async (ctx) => ({ 'git-deploy-branch': (await appDetail(ctx)).deployBranch })),
    dokkuReport('cron', 'Show how many cron entries the live release has.', async (ctx) => {
      const res = await ctx.api().get<CronListResponse>(appPath(ctx.arg('app'), '/cron'));
      return { 'cron-task-count': String(res.cron.length) };
    }),
  ],
};
