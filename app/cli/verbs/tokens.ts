import { CliError } from '../cli-error';
import { readUserFile } from '../user-files';
import { positiveIntOption } from '../argv';
import { table } from '../output';
import type { VerbGroup } from '../types';
import type { TokenCreateRequest, TokenCreateResponse, TokensListResponse, TokenRevokedResponse, SshKeyAddRequest, SshKeyResponse, SshKeysResponse, RemovedResponse } from '../api-types';

/** Your own API tokens and SSH keys (admins may name another user's keys with --user). */
export const tokensVerbs: VerbGroup = {
  name: 'tokens',
  summary: 'API tokens and SSH keys',
  verbs: [
    {
      name: 'tokens:create',
      usage: 'berth tokens:create <name> [--expires-in-days N] [--scope metrics|push:<app>|deploy:<app>]',
      summary: 'Create an API token for yourself and print it (shown once; berth keeps only its hash).',
      args: [{ name: 'name', summary: 'A name to revoke it by, e.g. ci.' }],
      options: [
        { name: 'expires-in-days', value: 'N', summary: 'Stop working after N days; default never (deploy tokens: 90).' },
        { name: 'scope', value: 'metrics|push:<app>|deploy:<app>', summary: 'Not an API token: metrics opens only GET /metrics (for Prometheus; admins only); push:<app> only git pushes to that app over HTTPS; deploy:<app> only that app\'s deploys through the API (git:sync, ps:rebuild, deploys) and reading its builds. For CI (docs/integrations.md).' },
      ],
      async run(ctx) {
        const raw = ctx.args.options['expires-in-days'];
        const expiresInDays = raw === undefined ? null : positiveIntOption(raw, 'expires-in-days', 1);
        const scope = typeof ctx.args.options.scope === 'string' ? ctx.args.options.scope : undefined;
        const res = await ctx.api().json<TokenCreateResponse>('POST', '/api/v1/tokens', { name: ctx.arg('name'), expiresInDays, scope } satisfies TokenCreateRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Token ${res.name} (shown once):`);
        ctx.out.line(res.token);
      },
    },
    {
      name: 'tokens:list',
      usage: 'berth tokens:list',
      summary: 'List your tokens by name, with when they expire (never their values).',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<TokensListResponse>('/api/v1/tokens');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.write(table(['NAME', 'CREATED', 'EXPIRES', 'SCOPE'], res.tokens.map((t) => [t.name, t.createdAt, t.expiresAt ?? 'never', t.scope ?? 'api'])));
      },
    },
    {
      name: 'tokens:revoke',
      usage: 'berth tokens:revoke <name>',
      summary: 'Revoke your tokens with that name at once.',
      args: [{ name: 'name', summary: 'The token\'s name.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<TokenRevokedResponse>('DELETE', `/api/v1/tokens/${encodeURIComponent(ctx.arg('name'))}`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Revoked ${ctx.arg('name')}`);
      },
    },
    {
      name: 'ssh-keys:add',
      usage: 'berth ssh-keys:add <name> [file] [--user <user>]',
      summary: 'Register an OpenSSH public key (a .pub file, or stdin) for git push and commands over SSH.',
      args: [{ name: 'name', summary: 'A name for the key.' }, { name: 'file', summary: 'The .pub file; default stdin.', optional: true }],
      options: [{ name: 'user', value: '<user>', summary: 'Whose key (admins only); default yourself.' }],
      async run(ctx) {
        const file = ctx.args.positional.file;
        const key = file ? await readUserFile(ctx.io, file, { what: 'public key', maxBytes: 16 * 1024 }) : await ctx.out.readStdin();
        if (!key.trim()) throw new CliError('USAGE', 'no public key given: berth ssh-keys:add <name> ~/.ssh/id_ed25519.pub');
        const user = typeof ctx.args.options.user === 'string' ? ctx.args.options.user : undefined;
        const res = await ctx.api().json<SshKeyResponse>('POST', '/api/v1/ssh-keys', { name: ctx.arg('name'), key: key.trim(), user } satisfies SshKeyAddRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Added key ${res.key.name} (${res.key.fingerprint}) for ${res.key.user}`);
      },
    },
    {
      name: 'ssh-keys:remove',
      usage: 'berth ssh-keys:remove <name> [--user <user>]',
      summary: 'Remove an SSH key.',
      args: [{ name: 'name', summary: 'The key\'s name.' }],
      options: [{ name: 'user', value: '<user>', summary: 'Whose key (admins only); default yourself.' }],
      async run(ctx) {
        const user = typeof ctx.args.options.user === 'string' ? `?user=${encodeURIComponent(ctx.args.options.user)}` : '';
        const res = await ctx.api().json<RemovedResponse>('DELETE', `/api/v1/ssh-keys/${encodeURIComponent(ctx.arg('name'))}${user}`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Removed key ${ctx.arg('name')}`);
      },
    },
    {
      name: 'ssh-keys:list',
      usage: 'berth ssh-keys:list [--all]',
      summary: 'List your SSH keys (admins: --all for everyone\'s).',
      args: [],
      options: [{ name: 'all', summary: 'Every user\'s keys (admins only).' }],
      async run(ctx) {
        const res = await ctx.api().get<SshKeysResponse>(`/api/v1/ssh-keys${ctx.args.options.all ? '?all=1' : ''}`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.write(table(['NAME', 'USER', 'FINGERPRINT', 'ADDED'], res.keys.map((k) => [k.name, k.user, k.fingerprint, k.createdAt])));
      },
    },
  ],
};
