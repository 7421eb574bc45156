import { CliError } from '../cli-error';
import type { ArgSpec, OptionSpec, Verb, VerbContext, VerbGroup } from '../types';
import type {
  ServicePluginsResponse, ServicesListResponse, VerificationView as Verification, ServiceBackupsResponse, ServiceBackupRequest, ServiceBackupResponse, ServiceRestoreResponse,
  VerificationResponse, ServiceBackupScheduleRequest, ServiceBackupScheduleResponse, S3LoginsResponse, S3LoginRequest,
} from '../api-types';

/**
 * Service backups: `<service>:backup`, `<service>:backup-schedule`, `<service>:backup-unschedule`
 * (like the other generic service verbs), `backups:list` / `backups:restore` and the S3 logins.
 */
const NAME: ArgSpec = { name: 'name', summary: 'The service\'s name.' };
const SERVICE: ArgSpec = { name: 'service', summary: 'The service: <plugin>:<name> (e.g. postgres:db), or just its name when one plugin has it.' };
const TO: OptionSpec = { name: 'to', value: '<dir|s3://bucket/prefix>', summary: 'A folder below $BERTH_HOME/backups/services (default: <plugin>/<name> there), or an S3 prefix of a bucket set with backups:s3-set.' };
const PASSPHRASE: OptionSpec = { name: 'passphrase-stdin', summary: 'Encrypt the backups with a passphrase read from stdin (kept encrypted by berth, so restores need no typing).' };
const SCHEDULE_NAME: OptionSpec = { name: 'name', value: '<schedule>', summary: 'The schedule\'s name, for several per service (default: default).' };

export type { Verification };

/** "12 rows in 2 tables (t 10, u 2)" / "57 keys (user:1 (hash), …)": what the restored copy held. */
function counted(v: Verification): string {
  const parts: string[] = [];
  if (v.tables) {
    const entries = Object.entries(v.tables);
    const rows = entries.reduce((n, [, c]) => n + c, 0);
    parts.push(`${rows} rows in ${entries.length} table${entries.length === 1 ? '' : 's'}${entries.length ? ` (${entries.slice(0, 8).map(([t, c]) => `${t} ${c}`).join(', ')}${entries.length > 8 ? ', …' : ''})` : ''}`);
  }
  if (v.keys !== null) parts.push(`${v.keys} keys${v.sample.length ? ` (${v.sample.join(', ')})` : ''}`);
  return parts.join('; ') || 'restored';
}

/** One line per verification: passed with what it counted, or failed with why. */
export function verificationLine(v: Verification): string {
  const what = v.backupId ?? 'no backup';
  return v.ok
    ? `${v.verifiedAt}  verified  ${what}  ${counted(v)}  (${v.seconds}s)`
    : `${v.verifiedAt}  FAILED    ${what}  ${v.problems.join('; ')}`;
}

function pluginOf(ctx: VerbContext): string {
  const typed = ctx.invokedAs ?? ctx.verb.name;
  return typed.slice(0, typed.indexOf(':'));
}
const one = (plugin: string, name: string, rest: string) => `/api/v1/services/${encodeURIComponent(plugin)}/${encodeURIComponent(name)}${rest}`;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function passphraseOf(ctx: VerbContext): Promise<string | undefined> {
  if (ctx.args.options['passphrase-stdin'] !== true) return undefined;
  const text = (ctx.out.interactive ? await ctx.out.ask('Passphrase: ') : await ctx.out.readStdin()).replace(/\r?\n$/, '');
  if (!text) throw new CliError('USAGE', 'the passphrase is empty');
  return text;
}

/** `postgres:db` → as given; `db` → the one plugin that has a service of that name (among those the user sees). */
async function resolveService(ctx: VerbContext, given: string): Promise<{ plugin: string; name: string }> {
  const i = given.indexOf(':');
  if (i > 0) return { plugin: given.slice(0, i), name: given.slice(i + 1) };
  const { plugins } = await ctx.api().get<ServicePluginsResponse>('/api/v1/services');
  const found: string[] = [];
  for (const p of plugins) {
    const { services } = await ctx.api().get<ServicesListResponse>(`/api/v1/services/${encodeURIComponent(p.id)}`);
    if (services.some((s) => s.name === given)) found.push(p.id);
  }
  if (found.length === 1) return { plugin: found[0], name: given };
  if (found.length === 0) throw new CliError('SERVICE_NOT_FOUND', `no service you can see is called ${given}`, { hint: 'Name it as <plugin>:<name>, e.g. postgres:db.' });
  throw new CliError('USAGE', `${found.join(' and ')} each have a service called ${given}: name it as <plugin>:${given}`);
}

function pattern(action: string, spec: Omit<Verb, 'name' | 'pattern'>): Verb {
  return { name: `<service>:${action}`, pattern: new RegExp(`^[a-z][a-z0-9-]*:${action}$`), ...spec };
}

function printList(ctx: VerbContext, label: string, res: ServiceBackupsResponse): void {
  if (ctx.json) return ctx.out.json(res);
  const last = res.lastVerified;
  ctx.out.line(`last verified restore: ${last ? `${last.verifiedAt} (${last.backupId}: ${counted(last)})` : 'never'}${res.stale.length ? `  STALE: schedule ${res.stale.join(', ')}` : ''}`);
  ctx.out.heading(`backups of ${label}`);
  ctx.out.write(res.backups.length ? res.backups.map((b) => `${b.id}  ${b.createdAt}  ${b.size} bytes${b.encrypted ? '  encrypted' : ''}  ${b.schedule ?? 'by hand'}  ${b.target}\n`).join('') : 'none\n');
  ctx.out.heading('schedules');
  ctx.out.write(res.schedules.length ? res.schedules.map((s) => `${s.name}  "${s.schedule}"  keep ${s.keep}${s.encrypted ? '  encrypted' : ''}  ${s.target}\n`).join('') : 'none\n');
  ctx.out.heading('restore verifications');
  ctx.out.write(res.verifications.length ? res.verifications.map((v) => `${verificationLine(v)}\n`).join('') : 'none\n');
}

export const backupsVerbs: VerbGroup = {
  name: 'backups',
  summary: 'Service backups, by hand and on a schedule, to a folder or S3; restores (docs/backups.md)',
  verbs: [
    pattern('backup', {
      usage: 'berth <service>:backup <name> [--to <dir|s3://bucket/prefix>] [--passphrase-stdin] | --schedule <schedule>',
      summary: 'Back the service up now (admin): its export, gzipped (and encrypted with a passphrase), to a folder or S3; --schedule runs a backup schedule now (its target, passphrase and --keep).',
      args: [NAME], options: [TO, PASSPHRASE, { name: 'schedule', value: '<schedule>', summary: 'Run this backup schedule now, as if it were due.' }],
      async run(ctx) {
        const schedule = str(ctx.args.options.schedule);
        const res = await ctx.api().json<ServiceBackupResponse>('POST', one(pluginOf(ctx), ctx.arg('name'), '/backups'),
          (schedule !== undefined ? { schedule } : { to: str(ctx.args.options.to), passphrase: await passphraseOf(ctx) }) satisfies ServiceBackupRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Backed up as ${res.backup.id} (${res.backup.size} bytes) to ${res.backup.target}`);
        if (res.backup.verification) ctx.out.line(`-----> Restore ${res.backup.verification.ok ? 'verified' : 'FAILED verification'}: ${verificationLine(res.backup.verification)}`);
      },
    }),
    pattern('backup-schedule', {
      usage: 'berth <service>:backup-schedule <name> "<cron>" --keep N [--to <dir|s3://bucket/prefix>] [--name <schedule>] [--passphrase-stdin]',
      summary: 'Back the service up on a 5-field cron schedule (admin), keeping the newest N backups of the schedule.',
      args: [NAME, { name: 'cron', summary: 'minute hour day-of-month month day-of-week, or @daily, @hourly, …' }],
      options: [{ name: 'keep', value: 'N', summary: 'How many of this schedule\'s backups to keep (1–1000).' }, TO, SCHEDULE_NAME, PASSPHRASE],
      async run(ctx) {
        const keep = str(ctx.args.options.keep);
        if (keep === undefined || !/^\d+$/.test(keep)) throw new CliError('USAGE', '--keep N is required: how many backups the schedule keeps');
        const name = str(ctx.args.options.name) ?? 'default';
        const res = await ctx.api().json<ServiceBackupScheduleResponse>('POST', one(pluginOf(ctx), ctx.arg('name'), `/backup-schedules/${encodeURIComponent(name)}`), {
          schedule: ctx.arg('cron'), keep: Number(keep), to: str(ctx.args.options.to), passphrase: await passphraseOf(ctx),
        } satisfies ServiceBackupScheduleRequest);
        if (ctx.json) return ctx.out.json(res);
        const s = res.schedule;
        ctx.out.line(`-----> Backup schedule ${s.name}: "${s.schedule}" to ${s.target}, keeping ${s.keep}${s.encrypted ? ', encrypted' : ''}`);
      },
    }),
    pattern('backup-unschedule', {
      usage: 'berth <service>:backup-unschedule <name> [--name <schedule>]',
      summary: 'Stop a backup schedule (admin); the backups it made stay.',
      args: [NAME], options: [SCHEDULE_NAME],
      async run(ctx) {
        const name = str(ctx.args.options.name) ?? 'default';
        const res = await ctx.api().json<ServiceBackupsResponse>('DELETE', one(pluginOf(ctx), ctx.arg('name'), `/backup-schedules/${encodeURIComponent(name)}`));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Backup schedule ${name} removed`);
      },
    }),
    {
      name: 'backups:list', usage: 'berth backups:list <service>', summary: 'List a service\'s backups (newest first) and backup schedules.',
      args: [SERVICE], options: [],
      async run(ctx) {
        const s = await resolveService(ctx, ctx.arg('service'));
        printList(ctx, `${s.plugin} service ${s.name}`, await ctx.api().get<ServiceBackupsResponse>(one(s.plugin, s.name, '/backups')));
      },
    },
    {
      name: 'backups:verify', usage: 'berth backups:verify <service> <backup-id>',
      summary: 'Restore a backup into a throw-away container and check it, as after each scheduled backup (admin); exits 1 when it fails.',
      args: [SERVICE, { name: 'backup-id', summary: 'As backups:list shows it.' }],
      options: [],
      async run(ctx) {
        const s = await resolveService(ctx, ctx.arg('service'));
        const res = await ctx.api().json<VerificationResponse>('POST', one(s.plugin, s.name, `/backups/${encodeURIComponent(ctx.arg('backup-id'))}/verify`), {});
        if (ctx.json) ctx.out.json(res);
        else ctx.out.line(`-----> ${verificationLine(res.verification)}`);
        if (!res.verification.ok) throw new CliError('BACKUP_UNVERIFIED', `the restore of ${ctx.arg('backup-id')} failed verification: ${res.verification.problems.join('; ')}`);
      },
    },
    {
      name: 'backups:restore', usage: 'berth backups:restore <service> <backup-id> [--into <new-service>]',
      summary: 'Restore a backup into the service, or into a new service of the same plugin made for it (admin).',
      args: [SERVICE, { name: 'backup-id', summary: 'As backups:list shows it.' }],
      options: [{ name: 'into', value: '<new-service>', summary: 'Create this service and restore into it, leaving the original as it is.' }],
      async run(ctx) {
        const s = await resolveService(ctx, ctx.arg('service'));
        const res = await ctx.api().json<ServiceRestoreResponse>('POST', one(s.plugin, s.name, `/backups/${encodeURIComponent(ctx.arg('backup-id'))}/restore`), { into: str(ctx.args.options.into) });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Restored ${ctx.arg('backup-id')} into ${s.plugin} service ${res.service}`);
      },
    },
    {
      name: 'backups:s3-set', usage: 'berth backups:s3-set <bucket> --endpoint <url> --access-key-id <id> [--region <region>]',
      summary: 'Store the login of an S3-compatible bucket backups may go to (admin); the secret access key is read from stdin and kept encrypted.',
      args: [{ name: 'bucket', summary: 'The bucket\'s name.' }],
      options: [
        { name: 'endpoint', value: '<url>', summary: 'The S3 endpoint, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000.' },
        { name: 'access-key-id', value: '<id>', summary: 'The access key id.' },
        { name: 'region', value: '<region>', summary: 'Default us-east-1.' },
      ],
      async run(ctx) {
        const o = ctx.args.options;
        const endpoint = str(o.endpoint);
        const accessKeyId = str(o['access-key-id']);
        if (!endpoint || !accessKeyId) throw new CliError('USAGE', '--endpoint and --access-key-id are required');
        const secret = (ctx.out.interactive ? await ctx.out.ask('Secret access key: ') : await ctx.out.readStdin()).replace(/\r?\n$/, '');
        const res = await ctx.api().json<S3LoginsResponse>('POST', `/api/v1/backups/s3/${encodeURIComponent(ctx.arg('bucket'))}`, {
          endpoint, accessKeyId, secretAccessKey: secret, region: str(o.region),
        } satisfies S3LoginRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> S3 login for bucket ${ctx.arg('bucket')} stored`);
      },
    },
    {
      name: 'backups:s3-list', usage: 'berth backups:s3-list', summary: 'List the buckets berth has S3 logins for (never their keys).', args: [], options: [],
      async run(ctx) {
        const res = await ctx.api().get<S3LoginsResponse>('/api/v1/backups/s3');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.write(res.logins.length ? res.logins.map((l) => `${l.bucket}  ${l.endpoint}  ${l.region}\n`).join('') : 'none\n');
      },
    },
    {
      name: 'backups:s3-unset', usage: 'berth backups:s3-unset <bucket>', summary: 'Forget an S3 login (admin).', args: [{ name: 'bucket', summary: 'The bucket\'s name.' }], options: [],
      async run(ctx) {
        const res = await ctx.api().json<S3LoginsResponse>('DELETE', `/api/v1/backups/s3/${encodeURIComponent(ctx.arg('bucket'))}`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> S3 login for bucket ${ctx.arg('bucket')} removed`);
      },
    },
  ],
};
