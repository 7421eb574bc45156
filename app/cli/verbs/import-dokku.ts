import fs from 'node:fs';
import path from 'node:path';
import { assertLocalFiles } from '../user-files';
import { CliError } from '../cli-error';
import { followQueued } from '../follow-build';
import { applyPlan } from '../dokku-import/apply-plan';
import { readDokkuHost } from '../dokku-import/read-host';
import type { VerbGroup } from '../types';

export const importDokkuVerbs: VerbGroup = {
  name: 'import',
  summary: 'Move apps and services from a dokku host',
  verbs: [
    {
      name: 'import:dokku',
      usage: 'berth import:dokku <path>',
      summary: 'Create in berth the apps (config, domains, ports, nginx settings, restart policy, checks settings, storage, TLS certificate, scale, git repo) and postgres/redis/mariadb services (data from their dumps, links) of a copy of a dokku host\'s files, deploy each app, and report what could not be carried over. See docs/migrating-from-dokku.md for how to make the copy.',
      args: [{ name: 'path', summary: 'A folder holding home/dokku and var/lib/dokku copied from the dokku host.' }],
      options: [],
      async run(ctx) {
        const source = ctx.arg('path');
        assertLocalFiles(ctx.io, source);
        const dir = path.resolve(ctx.io.cwd, source);
        if (!fs.existsSync(dir)) {
          throw new CliError('IMPORT_SOURCE_NOT_FOUND', `${source} does not exist. Copy the dokku host's files first (docs/migrating-from-dokku.md); berth reads no ssh host itself yet.`);
        }
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
      },
    },
  ],
};
