import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { DEFAULT_HOST, DEFAULT_REMOTE, checkRemoteName, normalizeHost, readConfig, saveCredentials, useRemote } from '../credentials';
import type { VerbContext, VerbGroup } from '../types';
import type { LoginTokenRequest, LoginTokenResponse } from '../api-types';

const str = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** A name for the token a password login makes: which machine it is for, unique per login. */
const tokenName = (): string => `cli-${os.hostname().replace(/[^A-Za-z0-9-]/g, '').slice(0, 24) || 'host'}-${crypto.randomBytes(3).toString('hex')}`;

/** Trades a user name and password for a new API token (`POST /login/token`, limited like the dashboard's login). */
async function passwordLogin(ctx: VerbContext, host: string, caFile: string | undefined, user: string): Promise<string> {
  const password = ctx.out.interactive ? await ctx.out.ask(`Password for ${user}: `, { hidden: true }) : (await ctx.out.readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new CliError('USAGE', 'no password given: type it, or pipe it in (`berth login <url> --user <name> < file`)');
  const api = new ApiClient({ host, token: '', caFile, progress: ctx.out.progress });
  const res = await api.json<LoginTokenResponse>('POST', '/login/token', { username: user, password, name: tokenName() } satisfies LoginTokenRequest);
  return res.token;
}

export const authVerbs: VerbGroup = {
  name: 'auth',
  summary: 'Connecting the CLI to berth',
  verbs: [
    {
      name: 'login',
      usage: 'berth login [url] [--host <url>] [--user <name> | --token <token>] [--remote <name>] [--ca-file <pem>]',
      summary: 'Log in to a berth (a user name and password make a token; or give a token) and store it, with the URL, in ~/.config/berth/config.json (mode 0600).',
      args: [{ name: 'url', summary: `berth's address, e.g. https://berth.example.com; default ${DEFAULT_HOST}.`, optional: true }],
      options: [
        { name: 'host', value: '<url>', summary: 'The same as <url>.' },
        { name: 'user', short: 'u', value: '<name>', summary: 'Log in with your user name and dashboard password (asked for, or read from stdin): berth makes a token for this machine.' },
        { name: 'token', value: '<token>', summary: 'An API token; without it and --user, read from stdin (`echo $T | berth login`), keeping it out of shell history.' },
        { name: 'remote', value: '<name>', summary: `Store it as this named remote (several berths side by side; BERTH_REMOTE picks one); default ${DEFAULT_REMOTE}. It becomes the current one.` },
        { name: 'ca-file', value: '<pem>', summary: 'The CA that signed berth\'s certificate (self-signed or a private CA); stored with the remote. BERTH_CA_FILE overrides it.' },
      ],
      async run(ctx) {
        const o = ctx.args.options;
        const host = normalizeHost(ctx.args.positional.url ?? str(o.host) ?? DEFAULT_HOST);
        const remote = checkRemoteName(str(o.remote) ?? DEFAULT_REMOTE);
        const given = str(o['ca-file']) ?? ctx.io.env.BERTH_CA_FILE;
        // Stored with the remote and given to git: it must name the same file from any directory.
        const caFile = given === undefined || given === '' ? undefined : path.resolve(ctx.io.cwd, given);
        const user = str(o.user);
        let token = str(o.token);
        if (user !== undefined && token !== undefined) throw new CliError('USAGE', 'give --user or --token, not both');
        if (user !== undefined) token = await passwordLogin(ctx, host, caFile, user);
        if (token === undefined) token = ctx.out.interactive ? await ctx.out.ask('API token: ') : (await ctx.out.readStdin()).trim();
        if (!token) throw new CliError('USAGE', 'no token given: berth login <url> --user <name>, or --token <token>');
        const api = new ApiClient({ host, token, caFile, progress: ctx.out.progress });
        try {
          await api.get('/api/v1/apps');
        } catch (e) {
          if (e instanceof CliError && e.code === 'UNAUTHENTICATED') throw new CliError(e.code, `berth at ${host} refused the token: ${e.message}`);
          throw e;
        }
        const file = saveCredentials(ctx.io.env, { host, token, ...(caFile ? { caFile: caFile } : {}) }, remote);
        if (ctx.json) return ctx.out.json({ host, remote, file });
        ctx.out.line(`-----> Logged in to ${host}${remote === DEFAULT_REMOTE ? '' : ` as remote ${remote}`}; credentials saved in ${file}`);
        if (ctx.io.env.BERTH_URL || ctx.io.env.BERTH_TOKEN) ctx.out.note(' !     BERTH_URL / BERTH_TOKEN are set and override that file.');
      },
    },
    {
      name: 'remotes',
      usage: 'berth remotes',
      summary: 'List the berths you logged in to (named remotes); * marks the current one.',
      args: [],
      options: [],
      async run(ctx) {
        const config = readConfig(ctx.io.env);
        const rows = Object.entries(config.remotes).map(([name, c]) => ({ name, host: c.host, current: name === config.current, caFile: c.caFile ?? null }));
        if (ctx.json) return ctx.out.json({ remotes: rows });
        if (rows.length === 0) { ctx.out.line('no remotes: run `berth login <url>`'); return; }
        for (const r of rows) ctx.out.line(`${r.current ? '*' : ' '} ${r.name}  ${r.host}${r.caFile ? `  (CA ${r.caFile})` : ''}`);
      },
    },
    {
      name: 'remotes:use',
      usage: 'berth remotes:use <name>',
      summary: 'Make a named remote the current one (BERTH_REMOTE=<name> picks one for a single command).',
      args: [{ name: 'name', summary: 'A remote from `berth remotes`.' }],
      options: [],
      async run(ctx) {
        const name = ctx.arg('name');
        useRemote(ctx.io.env, name);
        if (ctx.json) return ctx.out.json({ current: name });
        ctx.out.line(`-----> Using remote ${name}`);
      },
    },
  ],
};
