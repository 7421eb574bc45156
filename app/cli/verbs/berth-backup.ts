import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli-error';
import type { VerbGroup } from '../types';
import { download, uploadLines } from './service-streams';

interface Restored { apps: string[]; services: string[]; builds: Array<{ app: string; build: number; status: string }> }

/** berth's own backup: `backup:create` writes the server's archive here; `backup:restore` sends one to a fresh berth. */
export const berthBackupVerbs: VerbGroup = {
  name: 'backup',
  summary: 'Back berth itself up, and restore it onto a new install',
  verbs: [
    {
      name: 'backup:create',
      usage: 'berth backup:create [--to <dir>]',
      summary: 'Write a backup of berth (database, keys, settings, repos, certificates, plugin state, every service\'s data) to berth-backup-<time>.tar in <dir> (default: here). Admin.',
      args: [],
      options: [{ name: 'to', value: '<dir>', summary: 'The folder to write the backup to (it must exist). Default: the current folder.' }],
      async run(ctx) {
        const dir = path.resolve(typeof ctx.args.options.to === 'string' ? ctx.args.options.to : '.');
        if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new CliError('USAGE', `${dir} is not a folder`);
        const file = path.join(dir, `berth-backup-${new Date().toISOString().replace(/[-:.]/g, '')}.tar`);
        const out = fs.createWriteStream(`${file}.part`, { mode: 0o600 });
        try {
          await download(ctx.api(), '/api/v1/berth/backup', out, 'POST');
          await new Promise<void>((resolve, reject) => { out.end(() => resolve()); out.once('error', reject); });
        } catch (e) {
          out.destroy();
          fs.rmSync(`${file}.part`, { force: true });
          throw e;
        }
        fs.renameSync(`${file}.part`, file);
        if (ctx.json) return ctx.out.json({ file, size: fs.statSync(file).size });
        ctx.out.line(file);
      },
    },
    {
      name: 'backup:restore',
      usage: 'berth backup:restore <file>',
      summary: 'Restore a backup made by backup:create onto a fresh berth (no apps, no services): every app, its config, domains, certificates and releases, every service with its data; then rebuild each app\'s image from its repo, printing progress. The users and tokens become the backup\'s. Admin.',
      args: [{ name: 'file', summary: 'The backup (.tar) to restore.' }],
      options: [],
      async run(ctx) {
        const file = ctx.args.positional.file;
        if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new CliError('USAGE', `${file} is not a file`);
        let result: Restored | null = null;
        let failure: CliError | null = null;
        await uploadLines(ctx.api(), '/api/v1/berth/restore', fs.createReadStream(file), (line) => {
          if (line.startsWith('done ')) { result = JSON.parse(line.slice(5)) as Restored; return; }
          const failed = /^failed (\S+) (.*)$/.exec(line);
          if (failed) { failure = new CliError(failed[1], failed[2]); return; }
          ctx.out.line(`-----> ${line}`);
        });
        if (failure) throw failure;
        const restored = result as Restored | null;
        if (!restored) throw new CliError('BAD_RESPONSE', 'berth\'s answer ended before the restore finished; see its log');
        const bad = restored.builds.filter((b) => b.status !== 'succeeded');
        if (bad.length > 0) throw new CliError('BUILD_FAILED', `rebuilding ${bad.map((b) => `${b.app} (build ${b.build})`).join(', ')} failed; the apps' data and settings are restored: see \`berth builds:log\`, then push or ps:rebuild them`);
        ctx.out.line(`-----> restored ${restored.apps.length} apps and ${restored.services.length} services`);
      },
    },
  ],
};
