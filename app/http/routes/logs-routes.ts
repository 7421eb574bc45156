import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { textAnswer } from '../text-answer';
import { takeStreamSlot } from '../stream-slots';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { formatEntry } from '../../logs';
import { positiveInt } from '../request-body';

const PROCESS = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/** `GET /apps/:app/logs?tail=N&process=web&release=N&follow=1` as text, one `web.1 | …` line each. */
export function logsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/logs', need.appRead, async (req, res) => {
    const app = req.params.app;
    berth.apps.require(app);
    const process = typeof req.query.process === 'string' && req.query.process !== '' ? req.query.process : undefined;
    if (process !== undefined && !PROCESS.test(process)) {
      throw new BerthError('INVALID_INPUT', `"${process}" is not a process type: use e.g. web, worker, web.2, cron.`);
    }
    const release = positiveInt(typeof req.query.release === 'string' ? req.query.release.replace(/^v/, '') : undefined, 'release');
    const options = { tail: Math.min(positiveInt(req.query.tail, 'tail') ?? 100, 10_000), process, release };
    if (req.query.follow === '1') takeStreamSlot(berth, req, res);
    await textAnswer(res, {
      follow: req.query.follow === '1',
      whole: async () => (await berth.logs.recent(app, options)).map(formatEntry),
      stream: (write, signal) => berth.logs.follow(app, { ...options, signal }, (e) => write(formatEntry(e))),
    });
  });
  return r;
}
