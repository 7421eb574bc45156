import { CliError } from '../cli-error';
import { table } from '../output';
import type { ArgSpec, OptionSpec, Verb, VerbContext, VerbGroup } from '../types';
import type { NotificationTargetView as TargetRow, NotificationsListResponse, NotificationAddRequest, NotificationAddResponse, NotificationTestResponse, SmtpRequest, SmtpResponse } from '../api-types';


const APP: ArgSpec = { name: 'app', summary: 'The app whose events the target gets.' };
const URL_ARG: ArgSpec = { name: 'url', summary: 'An http(s) URL, or mailto:address[,address].' };
const ID: ArgSpec = { name: 'id', summary: 'The target\'s id (notifications:list).' };
const TYPE: OptionSpec = { name: 'type', value: 'webhook|slack|email', summary: 'What the URL takes: a signed JSON webhook (default), Slack\'s incoming-webhook body (default for hooks.slack.com), or email (mailto:).' };

/** The targets' API path: one app's, or (null) the global ones. */
const base = (app: string | null) => (app === null ? '/api/v1/notifications' : `/api/v1/apps/${encodeURIComponent(app)}/notifications`);
const appOf = (ctx: VerbContext, global: boolean) => (global ? null : ctx.arg('app'));

function targetId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw new CliError('USAGE', `"${raw}" is not a target id; \`berth notifications:list\` shows them`);
  return id;
}

function status(t: TargetRow): string {
  if (t.lastStatus === 'never') return 'never sent';
  const what = `${t.lastStatus}${t.lastEvent ? ` (${t.lastEvent})` : ''} at ${t.lastAt ?? '?'}`;
  return t.lastError && t.lastStatus !== 'delivered' ? `${what}: ${t.lastError}` : what;
}

/** Each verb for one app, and its `-global` twin (dokku's `--global` reaches it: app/cli/dokku-compat.ts). */
function pair(make: (global: boolean) => Verb): Verb[] {
  return [make(false), make(true)];
}

export const notificationsVerbs: VerbGroup = {
  name: 'notifications',
  summary: 'Tell people about deploys, crashes and expiring certificates: webhooks (signed), Slack, email (docs/notifications.md)',
  verbs: [
    ...pair((global) => ({
      name: global ? 'notifications:add-global' : 'notifications:add',
      usage: global ? 'berth notifications:add-global <url> [--type webhook|slack|email]' : 'berth notifications:add <app> <url> [--type webhook|slack|email]',
      summary: global
        ? 'Add a target for every app\'s events and berth-wide ones (admin; also `notifications:add --global <url>`). A webhook\'s signing secret is printed once.'
        : 'Add a target for an app\'s events (those who may deploy it). A webhook\'s signing secret is printed once.',
      args: global ? [URL_ARG] : [APP, URL_ARG],
      options: [TYPE],
      async run(ctx) {
        const type = ctx.args.options.type;
        const res = await ctx.api().json<NotificationAddResponse>('POST', base(appOf(ctx, global)),
          { url: ctx.arg('url'), ...(typeof type === 'string' ? { type } : {}) } satisfies NotificationAddRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Added ${res.target.type} target ${res.target.id}${res.target.app ? ` for ${res.target.app}` : ' (global)'}`);
        if (res.secret) {
          ctx.out.line('Signing secret (shown once; X-Berth-Signature-256 is sha256=HMAC-SHA256(secret, body)):');
          ctx.out.line(res.secret);
        }
      },
    })),
    ...pair((global) => ({
      name: global ? 'notifications:list-global' : 'notifications:list',
      usage: global ? 'berth notifications:list-global' : 'berth notifications:list <app>',
      summary: global
        ? 'List the global targets and the SMTP settings (also `notifications:list --global`): last delivery and counts, never secrets.'
        : 'List an app\'s targets with their last delivery (status, event, error) and counts; never secrets.',
      args: global ? [] : [APP],
      options: [],
      async run(ctx) {
        const app = appOf(ctx, global);
        const res = await ctx.api().get<NotificationsListResponse>(base(app));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(app === null ? 'global notification targets' : `${app} notification targets`);
        if (res.targets.length === 0) ctx.out.line('none');
        else ctx.out.write(table(['ID', 'TYPE', 'URL', 'DELIVERED', 'FAILED', 'LAST'], res.targets.map((t) => [String(t.id), t.type, t.url, String(t.delivered), String(t.failed), status(t)])));
        if (app === null) {
          const s = res.smtp;
          ctx.out.line(s ? `SMTP: ${s.secure ? 'smtps' : 'smtp'}://${s.user ? `${s.user}@` : ''}${s.host}:${s.port} from ${s.from}` : 'SMTP: not set (email targets need `berth notifications:smtp`)');
        }
      },
    })),
    ...pair((global) => ({
      name: global ? 'notifications:remove-global' : 'notifications:remove',
      usage: global ? 'berth notifications:remove-global <id>' : 'berth notifications:remove <app> <id>',
      summary: global ? 'Remove a global target (admin; also `notifications:remove --global <id>`).' : 'Remove one of an app\'s targets.',
      args: global ? [ID] : [APP, ID],
      options: [],
      async run(ctx) {
        const id = targetId(ctx.arg('id'));
        await ctx.api().json('DELETE', `${base(appOf(ctx, global))}/${id}`);
        if (ctx.json) return ctx.out.json({ removed: id });
        ctx.out.line(`-----> Removed target ${id}`);
      },
    })),
    ...pair((global) => ({
      name: global ? 'notifications:test-global' : 'notifications:test',
      usage: global ? 'berth notifications:test-global <id>' : 'berth notifications:test <app> <id>',
      summary: `Queue a test notification to a${global ? ' global' : 'n app\'s'} target; notifications:list${global ? ' --global' : ''} shows how its delivery went.`,
      args: global ? [ID] : [APP, ID],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<NotificationTestResponse>('POST', `${base(appOf(ctx, global))}/${targetId(ctx.arg('id'))}/test`, {});
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Test notification queued (delivery ${res.delivery})`);
      },
    })),
    {
      name: 'notifications:smtp',
      usage: 'berth notifications:smtp <smtp-url> --from <address> [--password-stdin]',
      summary: 'Set the SMTP server email targets send through (admin): smtp://[user@]host[:port] (STARTTLS when offered) or smtps://…; with a user, the password is read from stdin and kept encrypted.',
      args: [{ name: 'smtp-url', summary: 'smtp://[user@]host[:port] or smtps://[user@]host[:port].' }],
      options: [
        { name: 'from', value: '<address>', summary: 'The sender address, e.g. berth@example.com.' },
        { name: 'password-stdin', summary: 'Read the password from stdin (the default when stdin is not a terminal).' },
      ],
      async run(ctx) {
        const url = ctx.arg('smtp-url');
        const withUser = /^smtps?:\/\/[^/@]+@/i.test(url);
        const password = !withUser ? '' : (ctx.out.interactive && ctx.args.options['password-stdin'] !== true ? await ctx.out.ask('SMTP password: ') : await ctx.out.readStdin()).replace(/\r?\n$/, '');
        const res = await ctx.api().json<SmtpResponse>('POST', '/api/v1/notifications/smtp', { url, from: ctx.args.options.from, password } satisfies SmtpRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Email notifications go through ${res.smtp.host}:${res.smtp.port} from ${res.smtp.from}`);
      },
    },
  ],
};
