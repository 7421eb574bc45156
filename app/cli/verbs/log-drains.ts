import { appPath } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../output';
import type { Verb, VerbContext } from '../types';
import type { LogDrainView as DrainRow, LogDrainsResponse, LogDrainRequest, LogDrainAddedResponse, LogDrainRemovedResponse } from '../api-types';


const GLOBAL = { name: 'global', summary: 'The global drains (every app\'s output; admins only) instead of one app\'s.' };

/** `<app> <url>`, or `--global <url>`: the API path, and the URL when the verb takes one. */
function target(ctx: VerbContext, withUrl: true): { path: string; url: string; what: string };
function target(ctx: VerbContext, withUrl: false): { path: string; url: undefined; what: string };
function target(ctx: VerbContext, withUrl: boolean): { path: string; url: string | undefined; what: string } {
  const [first, second] = [ctx.args.positional.app, ctx.args.positional.url];
  if (ctx.args.options.global === true) {
    if (second !== undefined || (!withUrl && first !== undefined)) throw new CliError('USAGE', 'with --global, give no app');
    if (withUrl && first === undefined) throw new CliError('USAGE', 'give the drain\'s URL');
    return { path: '/api/v1/log-drains', url: first, what: 'every app' };
  }
  if (first === undefined) throw new CliError('USAGE', 'give an app, or --global');
  if (withUrl && second === undefined) throw new CliError('USAGE', 'give the drain\'s URL: syslog+tls://host:port, syslog://host:port or https://host/path');
  if (!withUrl && second !== undefined) throw new CliError('USAGE', 'one app only');
  return { path: appPath(first, '/log-drains'), url: second, what: first };
}

const args = (withUrl: boolean) => withUrl
  ? [{ name: 'app', summary: 'The app (with --global: the URL).' }, { name: 'url', summary: 'syslog+tls://host:port, syslog://host:port or https://host/path (with --global: none).', optional: true }]
  : [{ name: 'app', summary: 'The app (none with --global).', optional: true }];

/** Heroku's and dokku's log drains: an app's output (or every app's) forwarded as it is written. */
export const logDrainVerbs: Verb[] = [
  {
    name: 'logs:drain-add',
    usage: 'berth logs:drain-add <app> [url] [--global]   (<app> <url>, or --global <url>)',
    summary: 'Forward the app\'s output (every app\'s with --global) to syslog over TLS or TCP (RFC 5424, octet-counted) or to an HTTPS endpoint (NDJSON batches). While the receiver is down, up to BERTH_LOG_DRAIN_BUFFER lines wait; older ones are dropped and counted.',
    args: args(true),
    options: [GLOBAL],
    async run(ctx) {
      const t = target(ctx, true);
      const res = await ctx.api().json<LogDrainAddedResponse>('POST', t.path, { url: t.url } satisfies LogDrainRequest);
      if (ctx.json) return ctx.out.json(res);
      ctx.out.line(`-----> Draining ${t.what} to ${res.drain.url}`);
    },
  },
  {
    name: 'logs:drain-list',
    usage: 'berth logs:drain-list [app] [--global]',
    summary: 'List the app\'s drains (or the global ones) with their delivery: state, lines delivered, dropped and waiting, and the last error.',
    args: args(false),
    options: [GLOBAL],
    async run(ctx) {
      const t = target(ctx, false);
      const res = await ctx.api().get<LogDrainsResponse>(t.path);
      if (ctx.json) return ctx.out.json(res);
      ctx.out.write(table(['URL', 'STATE', 'DELIVERED', 'DROPPED', 'WAITING', 'LAST ERROR'], res.drains.map((d) => [
        d.url, d.status?.state ?? 'starting', String(d.status?.delivered ?? 0), String(d.status?.dropped ?? 0), String(d.status?.buffered ?? 0), d.status?.lastError ?? '',
      ])));
    },
  },
  {
    name: 'logs:drain-remove',
    usage: 'berth logs:drain-remove <app> [url] [--global]   (<app> <url>, or --global <url>)',
    summary: 'Stop forwarding to that drain (the URL as added or as listed).',
    args: args(true),
    options: [GLOBAL],
    async run(ctx) {
      const t = target(ctx, true);
      const res = await ctx.api().json<LogDrainRemovedResponse>('DELETE', t.path, { url: t.url } satisfies LogDrainRequest);
      if (ctx.json) return ctx.out.json(res);
      ctx.out.line(`-----> Removed drain ${res.removed.url}`);
    },
  },
];
