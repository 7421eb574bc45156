import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CliError } from '../cli-error';
import type { VerbContext, VerbGroup } from '../types';
import { download, uploadLines } from './service-streams';
import { verificationLine } from './backups';
import type { BerthBackupsResponse, BerthBackupCreatedResponse, BerthScheduleResponse, BerthScheduleRequest, BerthScheduleView as ScheduleView, BerthRestoredView as Restored } from '../api-types';


const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const scheduleLine = (s: ScheduleView) => (s.enabled ? `"${s.schedule}" to ${s.target}, keeping ${s.keep}${s.isDefault ? ' (the default)' : ''}` : 'off');

/** Writes berth's archive into a folder here (the CLI's machine). */
async function createHere(ctx: VerbContext, to: string | undefined): Promise<void> {
  const dir = path.resolve(to ?? '.');
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
}

/** berth's own backup: `backup:create` writes the server's archive here or to S3; `backup:restore` brings one to a fresh berth. */
export const berthBackupVerbs: VerbGroup = {
  name: 'backup',
  summary: 'Back berth itself up (by hand, on a schedule, to S3), and restore it onto a new install',
  verbs: [
    {
      name: 'backup:create',
      usage: 'berth backup:create [--to <dir>|s3://<bucket>/<prefix>] [--schedule]',
      summary: 'Back berth up (database, keys, settings, repos, certificates, plugin state, every service\'s data) as berth-backup-<time>.tar: into <dir> here (default: the current folder), or by the server straight into an S3 bucket set with backups:s3-set; --schedule runs berth\'s backup schedule now (its target and --keep). Admin.',
      args: [],
      options: [
        { name: 'to', value: '<dir|s3://bucket/prefix>', summary: 'A folder here (it must exist; default: the current folder), or an S3 prefix of a bucket set with backups:s3-set.' },
        { name: 'schedule', summary: 'Run berth\'s backup schedule now, as if it were due (see backup:schedule).' },
      ],
      async run(ctx) {
        const to = str(ctx.args.options.to);
        const scheduled = ctx.args.options.schedule === true;
        if (scheduled && to !== undefined) throw new CliError('USAGE', '--schedule uses the schedule\'s target: leave out --to');
        if (!scheduled && !to?.startsWith('s3://')) return createHere(ctx, to);
        const res = await ctx.api().json<BerthBackupCreatedResponse>('POST', '/api/v1/berth/backups', scheduled ? { scheduled: true } : { to });
        if (ctx.json) return ctx.out.json(res);
        const b = res.backup;
        ctx.out.line(b.target.startsWith('s3://') ? `${b.target}/${b.name}` : path.join(b.target.replace(/^dir:/, ''), b.name));
        // On stderr: stdout stays the archive's path alone.
        if (b.verification) ctx.out.note(`-----> Restore ${b.verification.ok ? 'verified' : 'FAILED verification'}: ${verificationLine(b.verification)}`);
      },
    },
    {
      name: 'backup:schedule',
      usage: 'berth backup:schedule [cron] [--keep N] [--to <dir>|s3://<bucket>/<prefix>]',
      summary: 'Show or set when the server backs berth up (default: "0 3 * * *" into $BERTH_HOME/backups/berth, keeping 7), or turn it off. Each run is an event; a failed one also a backup.failed notification. Admin.',
      args: [{ name: 'cron', summary: 'A 5-field cron expression (or @daily, @hourly, …), or off. Left out: show the schedule.', optional: true }],
      options: [
        { name: 'keep', value: 'N', summary: 'How many scheduled backups to keep (1–1000; default: as before, first 7).' },
        { name: 'to', value: '<dir|s3://bucket/prefix>', summary: 'A folder below $BERTH_HOME/backups/berth (default: that folder), or an S3 prefix of a bucket set with backups:s3-set.' },
      ],
      async run(ctx) {
        const cron = ctx.args.positional.cron;
        const keep = str(ctx.args.options.keep);
        let res: { schedule: ScheduleView };
        if (cron === undefined) {
          if (keep !== undefined || ctx.args.options.to !== undefined) throw new CliError('USAGE', 'give the schedule too: berth backup:schedule "<cron>" --keep N');
          res = { schedule: (await ctx.api().get<BerthBackupsResponse>('/api/v1/berth/backups')).schedule };
        } else if (cron === 'off') {
          res = await ctx.api().json<BerthScheduleResponse>('DELETE', '/api/v1/berth/backup-schedule');
        } else {
          res = await ctx.api().json<BerthScheduleResponse>('POST', '/api/v1/berth/backup-schedule', { schedule: cron, keep: keep === undefined ? undefined : Number(keep), to: str(ctx.args.options.to) } satisfies BerthScheduleRequest);
        }
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`berth's backup schedule: ${scheduleLine(res.schedule)}`);
      },
    },
    {
      name: 'backup:list',
      usage: 'berth backup:list',
      summary: 'List berth\'s backups kept by the server (in $BERTH_HOME/backups/berth and the schedule\'s target), newest first, and the schedule. Admin.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<BerthBackupsResponse>('/api/v1/berth/backups');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading('berth\'s backups');
        ctx.out.write(res.backups.length ? res.backups.map((b) => `${b.name}  ${b.createdAt}  ${b.size} bytes  ${b.scheduled ? 'scheduled' : 'by hand'}  ${b.target}\n`).join('') : 'none\n');
        ctx.out.heading('schedule');
        ctx.out.line(scheduleLine(res.schedule));
        ctx.out.heading('restore verifications (the database, restored into a scratch home)');
        ctx.out.line(`last verified restore: ${res.lastVerified ? verificationLine(res.lastVerified) : 'never'}`);
        for (const v of (res.verifications ?? []).slice(0, 5)) ctx.out.line(verificationLine(v));
      },
    },
    {
      name: 'backup:restore',
      usage: 'berth backup:restore <file>',
      summary: 'Restore a backup made by backup:create (a file here, or an S3 object: set the bucket\'s login with backups:s3-set first) onto a fresh berth (no apps, no services): every app, its config, domains, certificates and releases, every service with its data; then rebuild each app\'s image from its repo, printing progress. The users and tokens become the backup\'s. Admin.',
      args: [{ name: 'file', summary: 'The backup (.tar) to restore, or s3://<bucket>/<key>.' }],
      options: [],
      async run(ctx) {
        const file = ctx.args.positional.file;
        const fromS3 = file.startsWith('s3://');
        if (!fromS3 && !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new CliError('USAGE', `${file} is not a file`);
        let result: Restored | null = null;
        let failure: CliError | null = null;
        const input = fromS3 ? Readable.from([JSON.stringify({ from: file })]) : fs.createReadStream(file);
        await uploadLines(ctx.api(), '/api/v1/berth/restore', input, (line) => {
          if (line.startsWith('done ')) { result = JSON.parse(line.slice(5)) as Restored; return; }
          const failed = /^failed (\S+) (.*)$/.exec(line);
          if (failed) { failure = new CliError(failed[1], failed[2]); return; }
          ctx.out.line(`-----> ${line}`);
        }, fromS3);
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
