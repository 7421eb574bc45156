import { appPath } from '../api-client';
import { CliError } from '../cli-error';
import type { ArgSpec, VerbGroup } from '../types';
import type { GitAuthResponse, WebhooksListResponse, WebhookCreatedResponse, WebhookRemovedResponse } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const PROVIDER: ArgSpec = { name: 'provider', summary: 'github, gitlab or gitea.' };

export const forgeVerbs: VerbGroup = {
  name: 'forge',
  summary: 'Deploying from GitHub, GitLab or Gitea: webhooks and the credentials git:sync fetches with',
  verbs: [
    {
      name: 'webhooks:create',
      usage: 'berth webhooks:create <app> <provider>',
      summary: 'Make a webhook for a forge: prints the URL and the secret (shown this once) to enter in the forge\'s webhook settings. A push to the app\'s deploy branch then deploys that commit.',
      args: [APP, PROVIDER],
      options: [],
      async run(ctx) {
        const app = ctx.arg('app');
        const res = await ctx.api().json<WebhookCreatedResponse>('POST', appPath(app, '/webhooks'), { provider: ctx.arg('provider') });
        if (ctx.json) return ctx.out.json(res);
        const { url, secret, provider } = res.webhook;
        ctx.out.line(`-----> ${provider} webhook for ${app}`);
        ctx.out.write(`URL:          ${url}\nSecret:       ${secret}\nContent type: application/json\nEvents:       push\n`);
        ctx.out.note(`       the secret is shown only now; docs/integrations.md says where it goes in ${provider}`);
      },
    },
    {
      name: 'webhooks:list',
      usage: 'berth webhooks:list <app>',
      summary: 'List the app\'s forge webhooks and their URLs (never their secrets).',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<WebhooksListResponse>(appPath(ctx.arg('app'), '/webhooks'));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(`${ctx.arg('app')} webhooks`);
        ctx.out.write(res.webhooks.length ? res.webhooks.map((w) => `${w.provider}  ${w.url}  (created ${w.createdAt})\n`).join('') : 'none\n');
      },
    },
    {
      name: 'webhooks:remove',
      usage: 'berth webhooks:remove <app> <provider>',
      summary: 'Remove the app\'s webhook for a forge: its deliveries are refused from now on.',
      args: [APP, PROVIDER],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<WebhookRemovedResponse>('DELETE', appPath(ctx.arg('app'), `/webhooks/${encodeURIComponent(ctx.arg('provider'))}`));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${ctx.arg('provider')} webhook of ${ctx.arg('app')} removed`);
      },
    },
    {
      name: 'git:auth',
      usage: 'berth git:auth <app> [kind] [--username <name>] [--remove]',
      summary: 'The credentials berth fetches the app\'s repository with (git:sync, webhooks): `token` reads an HTTPS access token from stdin, `key` an SSH deploy key (private, no passphrase). Without a kind: shows what is set. Kept encrypted like config values.',
      args: [APP, { name: 'kind', optional: true, summary: 'token (HTTPS) or key (SSH deploy key).' }],
      options: [
        { name: 'username', value: '<name>', summary: 'The user name sent with a token (GitLab: oauth2; default git).' },
        { name: 'remove', summary: 'Forget the app\'s credentials.' },
      ],
      async run(ctx) {
        const app = ctx.arg('app');
        const api = ctx.api();
        type Auth = GitAuthResponse;
        let res: Auth;
        if (ctx.args.options.remove === true) res = await api.json<Auth>('DELETE', appPath(app, '/git-auth'));
        else if (ctx.args.positional.kind === undefined) res = await api.get<Auth>(appPath(app, '/git-auth'));
        else {
          const kind = ctx.args.positional.kind;
          if (kind !== 'token' && kind !== 'key') throw new CliError('USAGE', 'the kind is token or key');
          const secret = ctx.out.interactive && kind === 'token' ? await ctx.out.ask('Token: ') : await ctx.out.readStdin();
          const username = typeof ctx.args.options.username === 'string' ? ctx.args.options.username : undefined;
          res = await api.json<Auth>('POST', appPath(app, '/git-auth'), { kind, username, secret });
        }
        if (ctx.json) return ctx.out.json(res);
        const a = res.auth;
        ctx.out.line(a ? `-----> ${app} fetches with ${a.kind === 'token' ? `a token (user ${a.username})` : 'an SSH deploy key'}` : `-----> ${app} fetches without credentials`);
      },
    },
  ],
};
