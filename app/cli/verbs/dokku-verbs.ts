import { Readable } from 'node:stream';
import { appPath } from '../api-client';
import { CliError } from '../cli-error';
import { execSession } from '../exec-client';
import { positiveIntOption } from '../argv';
import type { ArgSpec, Verb, VerbGroup } from '../types';
import type { ProcessReportResponse, LockResponse } from '../api-types';
import { printGlobal, type GlobalDomains } from './domains';
import { appDetail } from './dokku-reports';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };

/** `nginx:access-logs` / `nginx:error-logs`: the app's own nginx log, last lines. */
function nginxLog(kind: 'access' | 'error'): Verb {
  return {
    name: `nginx:${kind}-logs`,
    usage: `berth nginx:${kind}-logs <app> [-n N]`,
    summary: kind === 'access'
      ? 'Print the last lines of the app\'s nginx access log (requests the router passed to it; off with nginx:set <app> access-log false).'
      : 'Print the last lines of the app\'s nginx error log (upstream failures, timeouts, refused bodies).',
    args: [APP],
    options: [{ name: 'num', short: 'n', value: 'N', summary: 'How many lines (default 100).' }],
    async run(ctx) {
      const n = positiveIntOption(ctx.args.options.num, 'num', 100);
      ctx.out.write(await ctx.api().text(appPath(ctx.arg('app'), `/nginx/${kind}-logs?tail=${n}`)));
    },
  };
}

/** Verbs dokku has, under dokku's names. */
export const dokkuVerbs: VerbGroup = {
  name: 'dokku',
  summary: 'More of dokku\'s verbs (apps:exists, apps:lock, domains:set-global, cron:run, nginx:access-logs, ps:inspect, …)',
  verbs: [
    {
      name: 'apps:exists',
      usage: 'berth apps:exists <app>',
      summary: 'Exit 0 when the app exists (prints nothing), 1 with "App does not exist" when not: for scripts, as in dokku.',
      args: [APP],
      options: [],
      async run(ctx) {
        try {
          await ctx.api().get(appPath(ctx.arg('app')));
        } catch (e) {
          if ((e as { code?: string }).code === 'APP_NOT_FOUND') throw new CliError('APP_NOT_FOUND', 'App does not exist');
          throw e;
        }
        if (ctx.json) ctx.out.json({ exists: true });
      },
    },
    {
      name: 'domains:set-global',
      usage: 'berth domains:set-global <domain>...',
      summary: 'Replace the global domains (every app answers on <app>.<global>) and re-route every app. berth\'s own address (HTTPS for the API, dashboard and git) is not one: deploy/install.sh --hostname sets it, and the answer shows it.',
      args: [{ name: 'domain', variadic: true, summary: 'Hostnames, e.g. example.com.' }],
      options: [],
      async run(ctx) {
        const wanted = [...new Set(ctx.args.rest)];
        let now = await ctx.api().get<GlobalDomains>('/api/v1/domains');
        const remove = now.globalDomains.filter((d) => !wanted.includes(d));
        const add = wanted.filter((d) => !now.globalDomains.includes(d));
        // Removed first, so a name moving between global and custom never holds both at once.
        if (remove.length) now = await ctx.api().json<GlobalDomains>('PATCH', '/api/v1/domains', { remove });
        if (add.length) now = await ctx.api().json<GlobalDomains>('PATCH', '/api/v1/domains', { add });
        // It names apps, not berth: the answer says where berth's own address is set (printGlobal).
        printGlobal(ctx, now);
      },
    },
    {
      name: 'cron:run',
      usage: 'berth cron:run <app> <cron_id>',
      summary: 'Run one of the app\'s cron entries now (a one-off container, logged as cron.<name>), printing its output; exits with its exit code.',
      args: [APP, { name: 'cron_id', summary: 'The entry\'s name as `berth cron:list <app>` shows it.' }],
      options: [],
      async run(ctx) {
        const path = `${appPath(ctx.arg('app'), '/run')}?cron=${encodeURIComponent(ctx.arg('cron_id'))}`;
        // A scheduled command reads no input: its stdin is closed at once.
        return execSession(ctx.api(), path, { stdin: Readable.from([]), stdout: ctx.io.stdout, raw: false });
      },
    },
    nginxLog('access'),
    nginxLog('error'),
    {
      name: 'ps:inspect',
      usage: 'berth ps:inspect <app>',
      summary: 'Print the app\'s containers as JSON (id, name, process type, state, release, start time, address, restarts, node) — berth\'s view, not docker inspect: no env vars, so no secrets.',
      args: [APP],
      options: [],
      async run(ctx) {
        const { report } = await ctx.api().get<ProcessReportResponse>(appPath(ctx.arg('app'), '/ps'));
        ctx.out.json(report.processes.flatMap((p) => p.containers.map((c) => ({ process: p.type, ...c }))));
      },
    },
    {
      name: 'apps:lock',
      usage: 'berth apps:lock <app>',
      summary: 'Lock the app for deploys: pushes, deploys, restarts and config releases are refused (APP_LOCKED) until apps:unlock.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<LockResponse>('POST', appPath(ctx.arg('app'), '/lock'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line('-----> Deploy lock created');
      },
    },
    {
      name: 'apps:unlock',
      usage: 'berth apps:unlock <app>',
      summary: 'Remove the app\'s deploy lock.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<LockResponse>('DELETE', appPath(ctx.arg('app'), '/lock'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line('-----> Deploy lock removed');
      },
    },
    {
      name: 'apps:locked',
      usage: 'berth apps:locked <app>',
      summary: 'Exit 0 when the app is locked for deploys, 1 with "Deploy lock does not exist" when not (for scripts, as in dokku).',
      args: [APP],
      options: [],
      async run(ctx) {
        const app = await appDetail(ctx);
        if (ctx.json) return ctx.out.json({ locked: app.locked === true });
        if (app.locked !== true) throw new CliError('APP_NOT_LOCKED', 'Deploy lock does not exist');
        ctx.out.line('Deploy lock exists');
      },
    },
  ],
};
