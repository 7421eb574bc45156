import { need, strictRouter, type GuardedRouter } from '../strict-router';
import { textAnswer } from '../text-answer';
import { takeStreamSlot } from '../stream-slots';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { describeBuild, saveArchive } from '../../builds';
import { userName } from '../auth-middleware';
import { body, positiveInt } from '../request-body';
import type { BuildResponse, BuildsListResponse, QueuedBuild } from '../../api-contract';

export function buildsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/builds', need.appRead, (req, res) => {
    berth.apps.require(req.params.app);
    const builds = berth.builds.list(req.params.app, positiveInt(req.query.limit, 'limit') ?? 20);
    res.json({ builds: builds.map((b) => ({ ...b, description: describeBuild(b) })) } satisfies BuildsListResponse);
  });
  r.get('/apps/:app/builds/:id', need.appRead, (req, res) => {
    const id = req.params.id === 'latest' ? undefined : positiveInt(req.params.id, 'id');
    const build = berth.builds.get(req.params.app, id);
    res.json({ build: { ...build, description: describeBuild(build) } } satisfies BuildResponse);
  });
  /** The build's log as text; `?follow=1` streams it until the build ends (last line: `@@berth-status <status>`). */
  r.get('/apps/:app/builds/:id/log', need.appRead, async (req, res) => {
    const id = req.params.id === 'latest' ? undefined : positiveInt(req.params.id, 'id');
    const build = berth.builds.get(req.params.app, id);
    if (req.query.follow === '1') takeStreamSlot(berth, req, res);
    await textAnswer(res, {
      follow: req.query.follow === '1',
      whole: () => berth.builds.storedLog(build),
      stream: async (write, signal) => `@@berth-status ${(await berth.builds.follow(build, write, signal)).status}`,
    });
  });
  r.post('/apps/:app/builds/cancel', need.appWrite, async (req, res) => {
    const build = await berth.builds.cancel(req.params.app);
    res.status(202).json({ build: { ...build, description: describeBuild(build) } } satisfies BuildResponse);
  });
  /** Rebuilds the current release's commit from the app's repo. */
  r.post('/apps/:app/deploys', need.appWrite, async (req, res) => {
    const app = req.params.app;
    berth.apps.require(app);
    const image = body(req).image;
    // [registry host[:port]/]name[:tag]; a registry not on this host is pulled (registry:login).
    if (typeof image !== 'string' || image.length > 400 || !/^(?:[a-z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9][a-z0-9._\/-]*(:[\w][\w.-]{0,127})?$/.test(image)) {
      throw new BerthError('INVALID_IMAGE', `"${String(image)}" is not an image name: use [registry/]name[:tag], e.g. myorg/web:1.2 or registry.example.com:5000/web:1.`);
    }
    const { build, ahead } = await berth.builds.enqueue({ app, kind: 'image', source: image, user: userName(req) });
    res.status(202).json({ build, ahead } satisfies QueuedBuild);
  });
  /** The raw body is a tar or tar.gz of the source (content-type application/gzip for gzip). */
  r.post('/apps/:app/deploys/archive', need.appWrite, async (req, res) => {
    const app = req.params.app;
    berth.apps.require(app);
    const gzip = /gzip/.test(req.headers['content-type'] ?? '');
    const snapshotPath = await saveArchive(req, { gzip, snapshotsDir: berth.web.snapshotsDir });
    const { build, ahead } = await berth.builds.enqueue({ app, kind: 'archive', source: 'archive upload', snapshotPath, user: userName(req) });
    res.status(202).json({ build, ahead } satisfies QueuedBuild);
  });
  return r;
}
