import type { Response } from 'express';
import { BerthError } from '../../errors';
import { BERTH_SELF } from '../../backups';
import type { HttpServices } from '../http-services';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { userName } from '../auth-middleware';
import { body, optionalString, requiredString } from '../request-body';
import type { BerthBackupsResponse, BerthBackupCreatedResponse, BerthScheduleResponse, BerthRestoredView } from '../../api-contract';

/**
 * berth's own backup, admin only on every method (a backup holds every secret berth has; the
 * authorization layer classifies `/berth/backup…` and `/berth/restore` as admin, GETs too).
 * POST /berth/backup answers the tar; POST /berth/backups makes one on the server (the backup
 * directory, or `to`: s3://…), GET /berth/backups lists them and the schedule, GET
 * /berth/backups/:name downloads one; POST/DELETE /berth/backup-schedule set or turn off the
 * schedule. POST /berth/restore takes an archive (application/octet-stream) or `{ "from":
 * "s3://…" }` and answers progress lines (text/plain), the last `done <json>` or `failed <code>
 * <message>` once the answer has begun.
 */
export function berthBackupRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.post('/berth/backup', need.admin, async (_req, res) => {
    const { name, write } = await berth.berthBackup.prepare();
    res.status(200).type('application/x-tar');
    res.setHeader('content-disposition', `attachment; filename="${name}"`);
    try {
      await write(res);
    } catch (e) {
      // The answer has begun: cut it, so the client sees an incomplete archive, not a short one.
      res.destroy(e as Error);
    }
  });
  r.get('/berth/backups', need.admin, async (_req, res) => {
    // With the proofs of its restores (the database half, restored into a scratch home): newest first, and the newest passed one.
    const verifier = berth.serviceBackups.verifier;
    res.json({
      backups: await berth.berthBackups.list(), schedule: berth.berthBackups.schedule(),
      verifications: verifier.history(BERTH_SELF, 'berth'), lastVerified: verifier.status(BERTH_SELF, 'berth').lastVerified,
    } satisfies BerthBackupsResponse);
  });
  r.post('/berth/backups', need.admin, async (req, res) => {
    const b = body(req);
    const to = optionalString(b.to, 'to');
    if (b.scheduled === true && to !== undefined) throw new BerthError('INVALID_INPUT', 'A run of the schedule uses its target: leave out "to".');
    res.status(201).json({ backup: await berth.berthBackups.create({ to, scheduled: b.scheduled === true, user: userName(req) }) } satisfies BerthBackupCreatedResponse);
  });
  r.get('/berth/backups/:name', need.admin, async (req, res) => { await sendBerthBackup(berth, String(req.params.name), res); });
  r.post('/berth/backup-schedule', need.admin, async (req, res) => {
    const b = body(req);
    const schedule = requiredString(b.schedule, 'schedule');
    const to = optionalString(b.to, 'to');
    if (b.keep !== undefined && typeof b.keep !== 'number') throw new BerthError('INVALID_INPUT', '"keep" (how many scheduled backups are kept) must be a number.');
    res.json({ schedule: await berth.berthBackups.setSchedule({ schedule, keep: b.keep as number | undefined, to, user: userName(req) }) } satisfies BerthScheduleResponse);
  });
  r.delete('/berth/backup-schedule', need.admin, async (req, res) => {
    res.json({ schedule: await berth.berthBackups.disable(userName(req)) } satisfies BerthScheduleResponse);
  });
  r.post('/berth/restore', need.admin, async (req, res) => {
    // A JSON body (read already) names an S3 object; otherwise the archive comes raw.
    const from = req.body === undefined ? undefined : requiredString(body(req).from, 'from');
    await restoreAnswer(res, (progress) => (from === undefined ? berth.berthBackups.restore(req, progress) : berth.berthBackups.restoreFrom(from, progress)));
  });
  return r;
}

/** A kept backup of berth as a download (the API's and the dashboard's); a read error cuts the answer. */
export async function sendBerthBackup(berth: Pick<HttpServices, 'berthBackups'>, name: string, res: Response): Promise<void> {
  const { backup, stream } = await berth.berthBackups.open(name);
  res.status(200).type('application/x-tar');
  res.setHeader('content-length', String(backup.size));
  res.setHeader('content-disposition', `attachment; filename="${backup.name}"`);
  stream.on('error', (e: Error) => res.destroy(e));
  stream.pipe(res);
}

/** Progress lines as the restore goes; an error before the first line answers as any API error. */
async function restoreAnswer(res: Response, run: (progress: (line: string) => void) => Promise<BerthRestoredView>): Promise<void> {
  let begun = false;
  const progress = (line: string) => {
    if (!begun) { res.status(200).type('text/plain'); begun = true; }
    res.write(`${line}\n`);
  };
  try {
    const result = await run(progress);
    progress(`done ${JSON.stringify(result)}`);
    res.end();
  } catch (e) {
    if (!begun) throw e;
    const err = e instanceof BerthError ? e : null;
    res.end(`failed ${err?.code ?? 'INTERNAL'} ${(e as Error).message.replace(/\n/g, ' ')}\n`);
  }
}
