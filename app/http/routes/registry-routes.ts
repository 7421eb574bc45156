import type { Router } from 'express';
import { strictRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';

/** `registry:login|logout|report`: berth-wide credentials; changes need an admin (access middleware). */
export function registryRoutes(berth: HttpServices): Router {
  const r = strictRouter();
  r.get('/registry/logins', (_req, res) => { res.json({ logins: berth.registryLogins.list() }); });
  /** `{ server, username, password }`. */
  r.post('/registry/logins', (req, res) => {
    const b = body(req);
    res.status(201).json({ login: berth.registryLogins.login({ server: b.server, username: b.username, password: b.password }, userName(req)) });
  });
  r.delete('/registry/logins/:server', (req, res) => {
    berth.registryLogins.logout(req.params.server, userName(req));
    res.json({ logins: berth.registryLogins.list() });
  });
  return r;
}
