import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';

/**
 * berth's own backup (admin only, both POST: a backup holds every secret berth has, and the
 * authorization layer lets any role GET berth-wide paths). POST /berth/backup answers the tar;
 * POST /berth/restore takes one (application/octet-stream) and answers progress lines
 * (text/plain), the last `done <json>` or `failed <code> <message>` once the answer has begun.
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
  r.post('/berth/restore', need.admin, async (req, res) => {
    // A JSON body was read already (see the service import route): the archive must come raw.
    if (req.body !== undefined) throw new BerthError('INVALID_INPUT', 'Send the backup as application/octet-stream: `berth backup:restore <file>`.');
    let begun = false;
    const progress = (line: string) => {
      if (!begun) { res.status(200).type('text/plain'); begun = true; }
      res.write(`${line}\n`);
    };
    try {
      const result = await berth.berthBackup.restore(req, progress);
      progress(`done ${JSON.stringify(result)}`);
      res.end();
    } catch (e) {
      if (!begun) throw e;
      const err = e instanceof BerthError ? e : null;
      res.end(`failed ${err?.code ?? 'INTERNAL'} ${(e as Error).message.replace(/\n/g, ' ')}\n`);
    }
  });
  return r;
}
