import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import type { UserRecord } from '../../ports/store';
import { body } from '../request-body';
import type {
  WhoamiResponse, UsersListResponse, UserAddResponse, UserRoleResponse, RemovedResponse, CollaboratorsResponse,
  TokensListResponse, TokenCreateResponse, TokenRevokedResponse, SshKeysResponse, SshKeyResponse,
} from '../../api-contract';

/**
 * Users and collaborators (admins; the access middleware checks), and every user's own tokens
 * and SSH keys. An admin may name another user with `?user=` / `"user"` for keys.
 */
export function usersRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  const me = (req: Request): UserRecord => req.user!;
  /** The user a key request is about: yourself, or anyone when you are an admin. */
  const subject = (req: Request, named: unknown): UserRecord => berth.access.keysSubject(me(req), named);

  r.get('/whoami', need.self, (req, res) => { res.json({ user: { name: me(req).name, role: me(req).role } } satisfies WhoamiResponse); });

  r.get('/users', need.admin, (_req, res) => { res.json({ users: berth.access.listUsers() } satisfies UsersListResponse); });
  r.post('/users', need.admin, async (req, res) => {
    const b = body(req);
    const password = b.password;
    const result = await berth.access.addUser({
      name: b.name, role: b.role, by: me(req).name,
      setPassword: password === undefined || password === null || password === '' ? undefined : (name) => berth.sessions.setPassword(name, password),
    });
    res.status(201).json({ user: result.user, token: result.token } satisfies UserAddResponse);
  });
  /** `{ "role": "admin" | "developer" | "viewer" }`: another role from the user's next request on. */
  r.patch('/users/:name', need.admin, (req, res) => {
    res.json({ user: berth.access.setRole(req.params.name, body(req).role, me(req)) } satisfies UserRoleResponse);
  });
  r.delete('/users/:name', need.admin, (req, res) => {
    berth.access.removeUser(req.params.name, me(req));
    res.json({ removed: req.params.name } satisfies RemovedResponse);
  });

  r.get('/apps/:app/collaborators', need.appRead, (req, res) => { res.json({ collaborators: berth.access.collaborators(req.params.app) } satisfies CollaboratorsResponse); });
  r.post('/apps/:app/collaborators', need.appAdmin, (req, res) => {
    berth.access.addCollaborator(req.params.app, body(req).user, me(req).name);
    res.status(201).json({ collaborators: berth.access.collaborators(req.params.app) } satisfies CollaboratorsResponse);
  });
  r.delete('/apps/:app/collaborators/:user', need.appAdmin, (req, res) => {
    berth.access.removeCollaborator(req.params.app, req.params.user, me(req).name);
    res.json({ collaborators: berth.access.collaborators(req.params.app) } satisfies CollaboratorsResponse);
  });

  r.get('/tokens', need.self, (req, res) => { res.json({ tokens: berth.access.tokens(me(req)) } satisfies TokensListResponse); });
  r.post('/tokens', need.self, (req, res) => {
    const b = body(req);
    const token = berth.access.createToken(me(req), { name: b.name, expiresInDays: b.expiresInDays ?? null, scope: b.scope ?? null });
    res.status(201).json({ name: String(b.name), token, scope: typeof b.scope === 'string' ? b.scope : null } satisfies TokenCreateResponse);
  });
  r.delete('/tokens/:name', need.self, (req, res) => {
    berth.access.revokeToken(me(req), req.params.name);
    res.json({ revoked: req.params.name } satisfies TokenRevokedResponse);
  });

  r.get('/ssh-keys', need.self, (req, res) => {
    const all = req.query.all === '1' && me(req).role === 'admin';
    res.json({ keys: berth.access.sshKeys(all ? null : subject(req, req.query.user)) } satisfies SshKeysResponse);
  });
  r.post('/ssh-keys', need.self, (req, res) => {
    const b = body(req);
    res.status(201).json({ key: berth.access.addSshKey(subject(req, b.user), { name: b.name, publicKey: b.key }) } satisfies SshKeyResponse);
  });
  r.delete('/ssh-keys/:name', need.self, (req, res) => {
    berth.access.removeSshKey(subject(req, req.query.user), req.params.name);
    res.json({ removed: req.params.name } satisfies RemovedResponse);
  });
  return r;
}
