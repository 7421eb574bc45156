import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body, optionalString, requiredString } from '../request-body';
import { checkBucketName, checkScheduleName } from '../../backups';
import type { ServiceBackupsResponse, ServiceBackupResponse, ServiceRestoreResponse, VerificationResponse, ServiceBackupScheduleResponse, S3LoginsResponse } from '../../api-contract';


/**
 * Service backups: `/services/<plugin>/<name>/backups…` (listing: the service's readers, i.e. admins
 * and developers of a linked app; making, scheduling and restoring: admins, as every service change)
 * and berth-wide S3 logins (`/backups/s3`: buckets and endpoints listed to every role, changed by
 * admins; keys never leave). Each route looks the service up first, so a bad or unknown name
 * answers as on every other service route.
 */
export function backupsRoutes(berth: HttpServices): GuardedRouter {
  const backups = berth.serviceBackups;
  const service = (req: Request) => {
    const s = { plugin: String(req.params.plugin), service: String(req.params.name) };
    berth.services.kit.find(s.plugin, s.service);
    return s;
  };
  const r = strictRouter();
  r.get('/services/:plugin/:name/backups', need.serviceRead, (req, res) => {
    const s = service(req);
    res.json(backups.list(s.plugin, s.service) satisfies ServiceBackupsResponse);
  });
  r.post('/services/:plugin/:name/backups', need.serviceAdmin, async (req, res) => {
    const s = service(req);
    const b = body(req);
    const schedule = optionalString(b.schedule, 'schedule');
    const to = optionalString(b.to, 'to');
    const passphrase = optionalString(b.passphrase, 'passphrase');
    if (schedule !== undefined && (to !== undefined || passphrase !== undefined)) throw new BerthError('INVALID_INPUT', 'A run of a schedule uses its target and passphrase: leave out "to" and "passphrase".');
    const backup = schedule !== undefined
      ? await backups.runSchedule({ ...s, name: schedule, user: userName(req) })
      : await backups.run({ ...s, to, passphrase, user: userName(req) });
    res.status(201).json({ backup } satisfies ServiceBackupResponse);
  });
  r.post('/services/:plugin/:name/backups/:id/restore', need.serviceAdmin, async (req, res) => {
    const s = service(req);
    const into = optionalString(body(req).into, 'into');
    res.json(await backups.restore({ ...s, id: String(req.params.id), into, user: userName(req) }) satisfies ServiceRestoreResponse);
  });
  // Restores the backup into a throw-away container and checks it (as after each scheduled run); admins, as a restore.
  r.post('/services/:plugin/:name/backups/:id/verify', need.serviceAdmin, async (req, res) => {
    const s = service(req);
    res.json({ verification: await backups.verify({ ...s, id: String(req.params.id), user: userName(req) }) } satisfies VerificationResponse);
  });
  r.post('/services/:plugin/:name/backup-schedules/:schedule', need.serviceAdmin, async (req, res) => {
    const s = service(req);
    const name = checkScheduleName(String(req.params.schedule));
    const b = body(req);
    if (typeof b.keep !== 'number') throw new BerthError('BACKUP_SCHEDULE_INVALID', '"keep" (how many backups the schedule keeps) must be a number.');
    const schedule = await backups.schedule({
      ...s, name, schedule: requiredString(b.schedule, 'schedule'), keep: b.keep, to: optionalString(b.to, 'to'), passphrase: optionalString(b.passphrase, 'passphrase'), user: userName(req),
    });
    res.json({ schedule } satisfies ServiceBackupScheduleResponse);
  });
  r.delete('/services/:plugin/:name/backup-schedules/:schedule', need.serviceAdmin, async (req, res) => {
    const s = service(req);
    await backups.unschedule({ ...s, name: checkScheduleName(String(req.params.schedule)), user: userName(req) });
    res.json(backups.list(s.plugin, s.service) satisfies ServiceBackupsResponse);
  });
  r.get('/backups/s3', need.read, (_req, res) => { res.json({ logins: backups.listS3() } satisfies S3LoginsResponse); });
  r.post('/backups/s3/:bucket', need.admin, (req, res) => {
    const bucket = checkBucketName(String(req.params.bucket));
    const b = body(req);
    res.json({ logins: backups.setS3({
      bucket, endpoint: requiredString(b.endpoint, 'endpoint'), region: optionalString(b.region, 'region') ?? '',
      accessKeyId: requiredString(b.accessKeyId, 'accessKeyId'), secretAccessKey: requiredString(b.secretAccessKey, 'secretAccessKey'),
    }, userName(req)) } satisfies S3LoginsResponse);
  });
  r.delete('/backups/s3/:bucket', need.admin, (req, res) => {
    res.json({ logins: backups.removeS3(checkBucketName(String(req.params.bucket)), userName(req)) } satisfies S3LoginsResponse);
  });
  return r;
}
