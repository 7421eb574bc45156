import { appPath } from '../api-client';
import type { VerbContext, VerbGroup, Verb } from '../types';
import { dokkuReport } from './dokku-reports';
import type { ChecksResponse } from '../api-types';

const TYPES = { name: 'process-types', optional: true, summary: 'Comma-separated process types, e.g. web,worker; none: every type (_all_).' };
const said = { disable: 'disabled', skip: 'skipped', enable: 'enabled' } as const;

function change(action: 'disable' | 'skip' | 'enable', summary: string): Verb {
  return {
    name: `checks:${action}`,
    usage: `berth checks:${action} <app> [process-types]`,
    summary,
    args: [{ name: 'app', summary: 'The app\'s name.' }, TYPES],
    options: [],
    async run(ctx: VerbContext) {
      const given = ctx.args.positional['process-types'];
      const types = given === undefined ? undefined : given.split(',').map((t) => t.trim()).filter(Boolean);
      const res = await ctx.api().json<ChecksResponse>('PATCH', appPath(ctx.arg('app'), '/checks'), { action, types });
      if (ctx.json) return ctx.out.json(res);
      ctx.out.line(`-----> Checks ${said[action]} for ${types?.length ? types.join(',') : 'every process type'} of ${ctx.arg('app')} (from its next deploy)`);
    },
  };
}

/** dokku's checks plugin: which process types' startup/readiness checks a deploy leaves out. */
export const checksVerbs: VerbGroup = {
  name: 'checks',
  summary: 'Leave a process type\'s deploy checks out, or put them back (dokku\'s checks:*)',
  verbs: [
    change('disable', 'Deploy without the type\'s startup/readiness checks (berth still starts the new containers before retiring the old ones).'),
    change('skip', 'Deploy without the type\'s startup/readiness checks (dokku\'s skip; in berth the same as disable).'),
    change('enable', 'Check the type(s) again at each deploy.'),
    dokkuReport('checks', 'Show which process types\' checks are disabled or skipped (none, _all_, or a list).', async (ctx) => {
      const { checks } = await ctx.api().get<ChecksResponse>(appPath(ctx.arg('app'), '/checks'));
      return { 'checks-disabled-list': checks.disabled.join(',') || 'none', 'checks-skipped-list': checks.skipped.join(',') || 'none' };
    }),
  ],
};
