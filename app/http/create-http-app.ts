import express from 'express';
import type { Berth } from '../boot/create-berth';
import { requireUser } from './auth-middleware';
import { errorMiddleware, notFound } from './error-middleware';
import { appsRoutes } from './routes/apps-routes';
import { buildsRoutes } from './routes/builds-routes';
import { configRoutes } from './routes/config-routes';
import { eventsRoutes } from './routes/events-routes';
import { gitRoutes, type GitHookCodec } from './routes/git-routes';
import { releasesRoutes } from './routes/releases-routes';

/** The web process's express app: health, git transport, then the authenticated API. */
export function createHttpApp(berth: Berth, options: { codec: GitHookCodec; log: (line: string) => void }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => { res.json({ ok: true }); });
  app.use(gitRoutes(berth, options.codec));

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(requireUser(berth.users));
  for (const routes of [appsRoutes, configRoutes, eventsRoutes, buildsRoutes, releasesRoutes]) api.use(routes(berth));
  api.use(notFound);
  app.use('/api/v1', api);
  app.use(notFound);
  app.use(errorMiddleware(options.log));
  return app;
}
