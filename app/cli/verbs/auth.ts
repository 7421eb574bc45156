import { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { DEFAULT_HOST, normalizeHost, saveCredentials } from '../credentials';
import type { VerbGroup } from '../types';

export const authVerbs: VerbGroup = {
  name: 'auth',
  summary: 'Connecting the CLI to berth',
  verbs: [
    {
      name: 'login',
      usage: 'berth login [--host <url>] [--token <token>]',
      summary: 'Check a token against berth and store it, with the host, in ~/.config/berth/config.json (mode 0600).',
      args: [],
      options: [
        { name: 'host', value: '<url>', summary: `berth's URL; default ${DEFAULT_HOST}.` },
        { name: 'token', value: '<token>', summary: 'An API token; without it, read from stdin (`echo $T | berth login`), keeping it out of shell history.' },
      ],
      async run(ctx) {
        const { host: rawHost, token: rawToken } = ctx.args.options;
        const host = normalizeHost(typeof rawHost === 'string' ? rawHost : DEFAULT_HOST);
        let token = typeof rawToken === 'string' ? rawToken : undefined;
        if (token === undefined) token = ctx.out.interactive ? await ctx.out.ask('API token: ') : (await ctx.out.readStdin()).trim();
        if (!token) throw new CliError('USAGE', 'no token given: berth login --host <url> --token <token>');
        const api = new ApiClient({ host, token, progress: ctx.out.progress });
        try {
          await api.get('/api/v1/apps');
        } catch (e) {
          if (e instanceof CliError && e.code === 'UNAUTHENTICATED') throw new CliError(e.code, `berth at ${host} refused the token: ${e.message}`);
          throw e;
        }
        const file = saveCredentials(ctx.io.env, { host, token });
        if (ctx.json) return ctx.out.json({ host, file });
        ctx.out.line(`-----> Logged in to ${host}; credentials saved in ${file}`);
        if (ctx.io.env.BERTH_URL || ctx.io.env.BERTH_TOKEN) ctx.out.note(' !     BERTH_URL / BERTH_TOKEN are set and override that file.');
      },
    },
  ],
};
