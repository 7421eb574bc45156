import type { Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import { HIDDEN } from '../secret-views';
import type { TargetView } from '../../notifications';
import type { NotificationsListResponse, NotificationAddResponse, NotificationTestResponse, SmtpResponse } from '../../api-contract';

/**
 * `notifications:*` (docs/notifications.md): an app's targets are changed by those who may deploy it
 * (its developers, admins), the global ones by admins. A webhook's signing secret is answered once,
 * when it is added; lists never carry it, and show the URL (a Slack URL is the key to its channel)
 * only to those who may see the app's secrets.
 */
export function notificationsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  const { notifications } = berth;
  const seen = (req: Request, app: string | null) => (t: TargetView): TargetView =>
    (app === null ? req.user!.role === 'admin' : berth.access.canSeeSecrets(req.user!, app)) ? t : { ...t, url: hiddenUrl(t.url), lastError: t.lastError && HIDDEN };
  const id = (req: Request) => Number(req.params.id);

  r.get('/notifications', need.read, (req, res) => { res.json({ targets: notifications.list(null).map(seen(req, null)), smtp: notifications.smtp() } satisfies NotificationsListResponse); });
  r.post('/notifications', need.admin, async (req, res) => {
    const b = body(req);
    res.status(201).json(await notifications.add({ app: null, url: b.url, type: b.type }, userName(req)) satisfies NotificationAddResponse);
  });
  r.delete('/notifications/:id', need.admin, (req, res) => { notifications.remove(null, id(req), userName(req)); res.status(204).end(); });
  r.post('/notifications/:id/test', need.admin, async (req, res) => { res.status(202).json(await notifications.test(null, id(req), userName(req)) satisfies NotificationTestResponse); });
  /** `{ url: "smtp://user@host:587", from, password }`. */
  r.post('/notifications/smtp', need.admin, (req, res) => {
    const b = body(req);
    res.json({ smtp: notifications.setSmtp({ url: b.url, from: b.from, password: b.password }, userName(req)) } satisfies SmtpResponse);
  });

  r.get('/apps/:app/notifications', need.appRead, (req, res) => {
    const { app } = req.params;
    res.json({ targets: notifications.list(app).map(seen(req, app)) } satisfies NotificationsListResponse);
  });
  r.post('/apps/:app/notifications', need.appWrite, async (req, res) => {
    const b = body(req);
    res.status(201).json(await notifications.add({ app: req.params.app, url: b.url, type: b.type }, userName(req)) satisfies NotificationAddResponse);
  });
  r.delete('/apps/:app/notifications/:id', need.appWrite, (req, res) => { notifications.remove(req.params.app, id(req), userName(req)); res.status(204).end(); });
  r.post('/apps/:app/notifications/:id/test', need.appWrite, async (req, res) => {
    res.status(202).json(await notifications.test(req.params.app, id(req), userName(req)) satisfies NotificationTestResponse);
  });
  return r;
}

/** Scheme and host stay (which service it is); the path, query and recipients go. */
function hiddenUrl(url: string): string {
  if (url.startsWith('mailto:')) return `mailto:${HIDDEN}`;
  try {
    return `${new URL(url).origin}/${HIDDEN}`;
  } catch {
    return HIDDEN;
  }
}
