import { CliError } from '../cli-error';
import { readUserFile } from '../user-files';
import type { OptionSpec, VerbContext, VerbGroup } from '../types';
import type { ServerExportRequest, ServerExportResponse, ServerApplyRequest, ServerApplyResponse } from '../api-types';

const PASSPHRASE_FILE: OptionSpec = { name: 'passphrase-file', value: '<file>', summary: 'Read the passphrase that seals (export) or opens (apply) the file\'s secrets from this file; BERTH_EXPORT_PASSPHRASE works too. At least 12 characters.' };
/** berth.yaml is at most 512 KiB (the server refuses more). */
const MAX_FILE = 512 * 1024;

/** The passphrase from --passphrase-file (first line) or BERTH_EXPORT_PASSPHRASE; undefined without either. */
async function passphraseOf(ctx: VerbContext): Promise<string | undefined> {
  const file = ctx.args.options['passphrase-file'];
  if (typeof file === 'string') {
    const text = (await readUserFile(ctx.io, file, { what: 'passphrase', maxBytes: 4096 })).split('\n')[0]!.replace(/\r$/, '');
    if (!text) throw new CliError('USAGE', `the passphrase file ${file} is empty`);
    return text;
  }
  return ctx.io.env.BERTH_EXPORT_PASSPHRASE || undefined;
}

/** `berth export` / `berth apply`: the server in one file (docs/server-file.md). Admins only. */
export const serverFileVerbs: VerbGroup = {
  name: 'server',
  summary: 'The whole server in one file',
  verbs: [
    {
      name: 'export',
      usage: 'berth export [--passphrase-file <file>] [--include-secrets] > berth.yaml',
      summary: 'Write every app (config, domains, ports, scale, checks, resources, build settings, storage, nginx settings), service and link, plugin and the global domains as YAML on stdout (admin). Secrets (config values, build options) are sealed with a passphrase, or written as { keep: true } without one; never in plaintext unless --include-secrets.',
      args: [],
      options: [
        PASSPHRASE_FILE,
        { name: 'include-secrets', summary: 'Write config values and build options in plaintext (warns on stderr): anyone who reads the file has every app\'s secrets.' },
      ],
      async run(ctx) {
        const passphrase = await passphraseOf(ctx);
        const includeSecrets = ctx.args.options['include-secrets'] === true;
        if (passphrase !== undefined && includeSecrets) throw new CliError('USAGE', 'give a passphrase (secrets sealed) or --include-secrets (plaintext), not both');
        const res = await ctx.api().json<ServerExportResponse>('POST', '/api/v1/server/export', { passphrase, includeSecrets } satisfies ServerExportRequest);
        if (includeSecrets) ctx.io.stderr.write('warning: berth.yaml holds every app\'s secrets in plaintext; keep it out of git and chat, or export with a passphrase instead.\n');
        else if (passphrase === undefined) ctx.out.note('Secrets are written as { keep: true }: apply on another server needs them set there, or export with --passphrase-file.');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.write(res.yaml);
      },
    },
    {
      name: 'apply',
      usage: 'berth apply <file> [--dry-run] [--passphrase-file <file>]',
      summary: 'Make this server what berth.yaml says (admin): shows the diff, then makes each change through the same checks as its verb. Apps and services the file does not name are left alone; a second apply changes nothing.',
      args: [{ name: 'file', summary: 'The file `berth export` wrote (or one written by hand; docs/server-file.md).' }],
      options: [
        { name: 'dry-run', summary: 'Show the diff and stop.' },
        PASSPHRASE_FILE,
      ],
      async run(ctx) {
        const name = ctx.arg('file');
        const file = await readUserFile(ctx.io, name, { what: 'server', maxBytes: MAX_FILE });
        const passphrase = await passphraseOf(ctx);
        const api = ctx.api();
        const plan = await api.json<ServerApplyResponse>('POST', '/api/v1/server/apply', { file, passphrase, dryRun: true } satisfies ServerApplyRequest);
        const dryRun = ctx.args.options['dry-run'] === true;
        if (plan.changes.length === 0 || dryRun) {
          if (ctx.json) return ctx.out.json(plan);
          if (plan.changes.length === 0) ctx.out.line(`No changes: this server already matches ${name}.`);
          else {
            ctx.out.heading(`${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to make (dry run: nothing changed)`);
            for (const c of plan.changes) ctx.out.line(c);
          }
          return;
        }
        if (!ctx.json) {
          ctx.out.heading(`${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to make`);
          for (const c of plan.changes) ctx.out.line(c);
        }
        const done = await api.json<ServerApplyResponse>('POST', '/api/v1/server/apply', { file, passphrase, dryRun: false } satisfies ServerApplyRequest);
        if (ctx.json) return ctx.out.json(done);
        ctx.out.heading(`Applied ${done.changes.length} change${done.changes.length === 1 ? '' : 's'}`);
      },
    },
  ],
};
