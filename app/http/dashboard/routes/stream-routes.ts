import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { positiveInt } from '../../request-body';
import { openSse } from '../sse';
import { appSummaries, summarize } from '../app-summaries';
import { followKey, liveKey } from '../live-key';
import { overviewPage, overviewQuery } from '../overview-list';
import { takeStreamSlot } from '../../stream-slots';

/** Live parts of the app page over SSE; the page works without them (it shows the stored log). */
export function streamRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  /**
   * The overview's live state (`state` events `{ key }`, live-key.ts) over the apps the user may see,
   * on the page the overview shows (`?q=`, `?sort=`, `?dir=`, `?page=`, overview-list.ts); the page fetches its live regions again when the key changes.
   */
  r.get('/live', need.read, async (req, res) => {
    const query = overviewQuery(req.query);
    takeStreamSlot(berth, req, res);
    const sse = openSse(req, res);
    await followKey(async () => liveKey(overviewPage(await appSummaries(berth, query.q, req.user), query).rows), (key) => sse.send('state', { key }), sse.signal);
    sse.end();
  });
  /** One app's live state, for its page (header, banner, crash card, releases, builds). */
  r.get('/apps/:app/live', need.appRead, async (req, res) => {
    const app = berth.apps.require(req.params.app);
    takeStreamSlot(berth, req, res);
    const sse = openSse(req, res);
    await followKey(async () => liveKey([await summarize(berth, app, await berth.containers.of(app.name))]), (key) => sse.send('state', { key }), sse.signal);
    sse.end();
  });
  /** A build's log from its first line (`line` events), then `end` with the build's final status. */
  r.get('/apps/:app/builds/:id/stream', need.appRead, async (req, res) => {
    const build = berth.builds.get(req.params.app, positiveInt(req.params.id, 'id'));
    takeStreamSlot(berth, req, res);
    const sse = openSse(req, res);
    const ended = await berth.builds.follow(build, (line) => sse.send('line', line), sse.signal);
    sse.send('end', { status: ended.status, release: ended.releaseVersion });
    sse.end();
  });
  /** The app's output: the last 50 lines, then live ones (`line` events: `{ process, text }`); `?process=web` filters. */
  r.get('/apps/:app/logs/stream', need.appRead, async (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    const process = typeof req.query.process === 'string' && /^[a-z0-9][a-z0-9.-]{0,40}$/.test(req.query.process) ? req.query.process : undefined;
    takeStreamSlot(berth, req, res);
    const sse = openSse(req, res);
    await berth.logs.follow(app, { tail: 50, process, signal: sse.signal }, (e) => sse.send('line', { process: e.tag, text: e.text }));
    sse.end();
  });
  return r;
}
