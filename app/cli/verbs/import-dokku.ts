import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyOverSsh, sshSourceOf } from '../dokku-import/ssh-copy';
import { assertLocalFiles } from '../user-files';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { applyPlan } from '../dokku-import/apply-plan';
import { readDokkuHost } from '../dokku-import/read-host';
import type { VerbContext, VerbGroup } from '../types';

export const importDokkuVerbs: VerbGroup = {
  name: 'import',
  summary: 'Move apps and services from a dokku host',
  verbs: [
    {
      name: 'import:dokku',
      usage: 'berth import:dokku <source>',
      summary: 'Create in berth the apps (config, domains, ports, nginx settings, restart policy, checks settings, storage, TLS certificate, scale, git repo) and postgres/redis/mariadb services (data from their dumps, links) of a copy of a dokku host\'s files, deploy each app, and report what could not be carried over. See docs/migrating-from-dokku.md for how to make the copy.',
      args: [{ name: 'source', summary: 'The dokku host over ssh (root@host, host:/dokku-root, ssh://root@host:2222; ssh options from BERTH_SSH_COMMAND), or a folder holding home/dokku and var/lib/dokku copied from it.' }],
      options: [],
      async run(ctx) {
        const source = ctx.arg('source');
        assertLocalFiles(ctx.io, source);
        const local = path.resolve(ctx.io.cwd, source);
        const ssh = fs.existsSync(local) ? null : sshSourceOf(source);
        if (!ssh && !fs.existsSync(local)) {
          throw new CliError('IMPORT_SOURCE_NOT_FOUND', `${source} does not exist. Name the dokku host (root@host) or a copy of its files (docs/migrating-from-dokku.md).`);
        }
        // Over ssh: the host's files into a temporary copy (removed afterwards), then the same import.
        const dir = ssh ? fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dokku-ssh-')) : local;
        try {
          if (ssh) {
            ctx.out.line(`-----> Reading ${ssh.destination}:${ssh.root} over ssh`);
            await copyOverSsh(ssh, dir, ctx.io.env, (l) => ctx.out.line(l));
          }
          return await importFrom(ctx, source, dir);
        } finally {
          if (ssh) fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ],
};

async function importFrom(ctx: VerbContext, source: string, dir: string): Promise<number> {
  let host;
  try {
    host = readDokkuHost(dir);
  } catch (e) {
    throw new CliError('IMPORT_SOURCE_INVALID', (e as Error).message);
  }
  if (!host.apps.length && !host.services.length) throw new CliError('IMPORT_SOURCE_INVALID', `${source} holds no dokku apps or services.`);
  const report = await applyPlan(host, {
    api: ctx.api(),
    line: (t) => ctx.out.line(t),
    follow: (app, queued) => followQueued({ ...ctx, json: false }, app, queued),
    env: ctx.io.env,
  });
  if (ctx.json) ctx.out.json(report);
  else {
    ctx.out.line(`=====> Imported: ${report.imported.join(', ') || 'nothing'}`);
    if (report.skipped.length) {
      ctx.out.line('=====> Not carried over:');
      for (const s of report.skipped) ctx.out.line(`       ${s}`);
    }
    if (report.failed.length) {
      ctx.out.line('=====> Refused by berth:');
      for (const f of report.failed) ctx.out.line(`       ${f}`);
    }
  }
  return report.failed.length ? 1 : 0;
}
