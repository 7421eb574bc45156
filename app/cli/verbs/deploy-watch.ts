import { appPath } from '../api-client';
import { CliError } from '../cli-error';
import type { VerbContext, VerbGroup } from '../types';
import { dokkuReport } from './dokku-reports';
import type { DeployWatchResponse, DeployWatchRequest, DeployWatchSettingsResponse } from '../api-types';

const NAMES = ['window', 'action', 'restarts', 'unhealthy', '5xx-rate', 'min-requests'];
const duration = (s: number) => (s === 0 ? 'off' : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

/** The report's values: the settings, then the newest watch. */
async function report(ctx: VerbContext): Promise<Record<string, string>> {
  const { settings: s, watches } = await ctx.api().get<DeployWatchResponse>(appPath(ctx.arg('app'), '/deploy-watch'));
  const last = watches[0];
  return {
    'deploy-watch-window': duration(s.window), 'deploy-watch-action': s.action, 'deploy-watch-restarts': String(s.restarts),
    'deploy-watch-unhealthy': String(s.unhealthy), 'deploy-watch-5xx-rate': String(s.errorRate), 'deploy-watch-min-requests': String(s.minRequests),
    'deploy-watch-last': last ? `v${last.version} ${last.status}${last.status === 'watching' ? ` until ${last.endsAt}` : ''}${last.reason ? `: ${last.reason}` : ''}` : 'none',
  };
}

/** After each deploy berth watches the new release for a window and rolls back (or alerts) on a breach. */
export const deployWatchVerbs: VerbGroup = {
  name: 'deploy-watch',
  summary: 'Watch each new release after its deploy: crash loops, liveness restarts, 5xx rate; roll back or alert',
  verbs: [
    {
      name: 'deploy-watch:set',
      usage: 'berth deploy-watch:set <app> <settings>...',
      summary: `Change what the watch after each deploy looks for: ${NAMES.join(', ')} (e.g. window 5m action rollback 5xx-rate 0.2; the value default puts berth's back). Applies to watches in progress, the window from the next deploy.`,
      args: [{ name: 'app', summary: 'The app\'s name.' }, { name: 'settings', variadic: true, summary: 'Pairs of name and value (default puts berth\'s back): window (90s, 5m, 1h, off), action (rollback|watch), restarts, unhealthy, 5xx-rate (0-1), min-requests.' }],
      options: [],
      async run(ctx) {
        const words = ctx.args.rest;
        if (words.length % 2 !== 0) throw new CliError('USAGE', `give each setting a value: e.g. \`berth deploy-watch:set ${ctx.arg('app')} window 5m action rollback\``);
        const settings: Record<string, string | null> = {};
        for (let i = 0; i < words.length; i += 2) settings[words[i]] = words[i + 1] === 'default' ? null : words[i + 1];
        const res = await ctx.api().json<DeployWatchSettingsResponse>('PATCH', appPath(ctx.arg('app'), '/deploy-watch'), { settings } satisfies DeployWatchRequest);
        if (ctx.json) return ctx.out.json(res);
        const s = res.settings;
        ctx.out.line(`-----> Deploy watch of ${ctx.arg('app')}: window ${duration(s.window)}, action ${s.action}, restarts ${s.restarts}, unhealthy ${s.unhealthy}, 5xx-rate ${s.errorRate}, min-requests ${s.minRequests}`);
      },
    },
    dokkuReport('deploy-watch', 'Show what the watch after each deploy looks for, and how the newest watch stands or ended.', report),
  ],
};
