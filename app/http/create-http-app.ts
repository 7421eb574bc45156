import { serverFileRoutes } from './routes/server-file-routes';
import express from 'express';
import type { HttpServices } from './http-services';
import { requireUser } from './auth-middleware';
import { errorMiddleware, notFound } from './error-middleware';
import { appsRoutes } from './routes/apps-routes';
import { appSettingsRoutes } from './routes/app-settings-routes';
import { buildsRoutes } from './routes/builds-routes';
import { configRoutes } from './routes/config-routes';
import { eventsRoutes } from './routes/events-routes';
import { gitRoutes, type GitHookCodec } from './routes/git-routes';
import { forgeHookRoutes, forgeRoutes } from './routes/forge-routes';
import { releasesRoutes } from './routes/releases-routes';
import { logsRoutes } from './routes/logs-routes';
import { cronRoutes } from './routes/run-routes';
import { psRoutes } from './routes/ps-routes';
import { storageRoutes } from './routes/storage-routes';
import { domainsRoutes } from './routes/domains-routes';
import { portsRoutes } from './routes/ports-routes';
import { buildSettingsRoutes } from './routes/build-settings-routes';
import { deployWatchRoutes } from './routes/deploy-watch-routes';
import { registryRoutes } from './routes/registry-routes';
import { notificationsRoutes } from './routes/notifications-routes';
import { nginxRoutes } from './routes/nginx-routes';
import { certsRoutes } from './routes/certs-routes';
import { dashboardRoutes } from './dashboard';
import { servicesRoutes } from './routes/services-routes';
import { backupsRoutes } from './routes/backups-routes';
import { berthBackupRoutes } from './routes/berth-backup-routes';
import { pluginsRoutes } from './routes/plugins-routes';
import { objectBodyOnly } from './request-body';
import { schedulersRoutes } from './routes/schedulers-routes';
import { metricsHistoryRoutes } from './routes/metrics-history-routes';
import { usersRoutes } from './routes/users-routes';
import { versionRoutes } from './routes/version-routes';
import { metricsRoutes } from './routes/metrics-routes';
import { diskRoutes } from './routes/disk-routes';
import { logDrainsRoutes } from './routes/log-drains-routes';
import { auditSource, authorizeRequest } from './access-middleware';
import { strictRouter } from './strict-router';
import { routerHop } from './router-hop';

/** The web process's express app: health, git transport, then the authenticated API. */
export function createHttpApp(berth: HttpServices, options: { codec: GitHookCodec; log: (line: string) => void }): express.Express {
  const app = express();
  // Paths match exactly as the authorization layer reads them (strict-router.ts).
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  // Dashboard cookies: Secure and __Host- always when a TLS proxy fronts berth (cookies.ts).
  app.locals.cookieSecure = berth.web.cookieSecure;
  // With an own address, berth's router is the one proxy in front (on loopback; the port refuses other
  // clients): its X-Forwarded-Proto makes cookies Secure and its X-Forwarded-For is the client's address.
  app.set('trust proxy', berth.web.behindOwnRouter ? 'loopback' : false);
  // ...but only the router's requests carry its secret: any other loopback client's X-Forwarded-* go.
  app.use(routerHop(berth.web.routerHopSecret));
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => { res.json({ ok: true }); });
  app.use(gitRoutes(berth, options.codec));
  app.use(forgeHookRoutes(berth));

  const api = strictRouter();
  // Who, and may they (roles and collaborators, app/users/authorize.ts), before any body is read:
  // a stranger's or a forbidden request's JSON is never parsed. Then who-did-it for the audit trail.
  api.use(requireUser(berth.users));
  api.use(authorizeRequest(berth), auditSource(berth, 'api'));
  api.use(express.json({ limit: '1mb' }));
  api.use(objectBodyOnly);
  api.use(usersRoutes(berth));
  api.use(versionRoutes(berth));
  api.use(diskRoutes(berth));
  for (const routes of [appsRoutes, appSettingsRoutes, configRoutes, eventsRoutes, buildsRoutes, releasesRoutes, forgeRoutes]) api.use(routes(berth));
  for (const routes of [psRoutes, storageRoutes]) api.use(routes(berth));
  for (const routes of [domainsRoutes, portsRoutes, nginxRoutes, certsRoutes, buildSettingsRoutes, deployWatchRoutes, registryRoutes]) api.use(routes(berth));
  api.use(logsRoutes(berth));
  api.use(logDrainsRoutes(berth));
  api.use(cronRoutes(berth));
  for (const routes of [backupsRoutes, berthBackupRoutes, servicesRoutes, pluginsRoutes]) api.use(routes(berth));
  api.use(schedulersRoutes(berth));
  api.use(serverFileRoutes(berth));
  api.use(notificationsRoutes(berth));
  api.use(metricsHistoryRoutes(berth));
  api.use(notFound);
  app.use('/api/v1', api);
  app.use(metricsRoutes(berth));
  // The dashboard owns every other path: without a session it redirects to /login.
  app.use(dashboardRoutes(berth, { log: options.log }));
  app.use(notFound);
  app.use(errorMiddleware(options.log));
  return app;
}
