import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import type { RegistryLoginsResponse, RegistryLoginRequest, RegistryLoginResponse } from '../api-types';

const SERVER: ArgSpec = { name: 'server', summary: 'The registry as image names start with it: host[:port], e.g. registry.example.com:5000.' };

async function show(ctx: VerbContext, res: RegistryLoginsResponse): Promise<void> {
  if (ctx.json) return ctx.out.json(res);
  ctx.out.heading('registry logins');
  ctx.out.write(res.logins.length ? res.logins.map((l) => `${l.server}  ${l.username}\n`).join('') : 'none\n');
}

export const registryVerbs: VerbGroup = {
  name: 'registry',
  summary: 'Credentials for private container registries (apps:deploy-image and FROM lines pull with them)',
  verbs: [
    {
      name: 'registry:login',
      usage: 'berth registry:login <server> <username> [--password-stdin]',
      summary: 'Store a registry login (admin). The password is read from stdin (or asked for on a terminal), kept encrypted like config values.',
      args: [SERVER, { name: 'username', summary: 'The registry user.' }],
      options: [{ name: 'password-stdin', summary: 'Read the password from stdin (the default when stdin is not a terminal), as dokku and docker take it.' }],
      async run(ctx) {
        const password = (ctx.out.interactive && ctx.args.options['password-stdin'] !== true ? await ctx.out.ask('Password: ') : await ctx.out.readStdin()).replace(/\r?\n$/, '');
        const res = await ctx.api().json<RegistryLoginResponse>('POST', '/api/v1/registry/logins',
          { server: ctx.arg('server'), username: ctx.arg('username'), password } satisfies RegistryLoginRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Logged in to ${res.login.server} as ${res.login.username}`);
      },
    },
    {
      name: 'registry:logout',
      usage: 'berth registry:logout <server>',
      summary: 'Forget a registry login (admin).',
      args: [SERVER],
      options: [],
      async run(ctx) { await show(ctx, await ctx.api().json<RegistryLoginsResponse>('DELETE', `/api/v1/registry/logins/${encodeURIComponent(ctx.arg('server'))}`)); },
    },
    {
      name: 'registry:report',
      usage: 'berth registry:report',
      summary: 'List the registries berth has logins for (servers and users; never passwords).',
      args: [],
      options: [],
      async run(ctx) { await show(ctx, await ctx.api().get<RegistryLoginsResponse>('/api/v1/registry/logins')); },
    },
  ],
};
