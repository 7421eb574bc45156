import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { RegistryLoginsResponse, RegistryLoginResponse } from '../../api-contract';

/** `registry:login|logout|report`: berth-wide credentials; changes need an admin (access middleware). */
export function registryRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/registry/logins', need.read, (_req, res) => { res.json({ logins: berth.registryLogins.list() } satisfies RegistryLoginsResponse); });
  /** `{ server, username, password }`. */
  r.post('/registry/logins', need.admin, (req, res) => {
    const b = body(req);
    res.status(201).json({ login: berth.registryLogins.login({ server: b.server, username: b.username, password: b.password }, userName(req)) } satisfies RegistryLoginResponse);
  });
  r.delete('/registry/logins/:server', need.admin, (req, res) => {
    berth.registryLogins.logout(req.params.server, userName(req));
    res.json({ logins: berth.registryLogins.list() } satisfies RegistryLoginsResponse);
  });
  return r;
}
