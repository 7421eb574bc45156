import type { Request, Response } from 'express';
import type nunjucks from 'nunjucks';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { BerthError } from '../../../errors';
import { field, formAction, formPage, queryText as query } from '../form';
import { render } from '../views';

/**
 * The signed-in user's own account: API tokens (/tokens) and SSH keys (/ssh-keys), every role
 * alike (`self`), through the same AccessService calls as the API. A token's secret is shown once,
 * in the answer to the form that made it; an admin also sees and removes everyone's keys.
 */
export function accountRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const r = strictRouter();
  const now = () => new Date().toISOString();

  const tokensPage = (req: Request, res: Response, created: { name: string; token: string } | null, status = 200) => {
    const tokens = berth.access.tokens(req.user!).map((t) => ({ ...t, expired: t.expiresAt !== null && t.expiresAt <= now() }));
    render(views, req, res, 'tokens.njk', { tokens, created }, status);
  };

  r.get('/tokens', need.self, (req, res) => { tokensPage(req, res, null); });

  /** Not a redirect: the secret is in this one answer (no-store) and nowhere else. */
  r.post('/tokens', need.self, formPage('/tokens', (req, res) => {
    const name = field(req, 'name');
    const days = field(req, 'expiresInDays');
    const token = berth.access.createToken(req.user!, { name, expiresInDays: days === '' ? null : days });
    tokensPage(req, res, { name, token }, 201);
  }));

  r.get('/tokens/revoke', need.self, (req, res) => {
    const name = query(req, 'name');
    const same = berth.access.tokens(req.user!).filter((t) => t.name === name).length;
    if (same === 0) throw new BerthError('TOKEN_NOT_FOUND', `You have no token named "${name.slice(0, 60)}".`);
    render(views, req, res, 'confirm.njk', {
      app: null,
      confirm: {
        title: `Revoke the token ${name}?`, action: '/tokens/revoke', fields: { name }, button: `Revoke ${name}`,
        back: { href: '/tokens', label: 'API tokens' },
        effects: [
          `${same === 1 ? 'The token' : `All ${same} tokens`} named ${name} stop working at once: the CLI, scripts and git pushes using ${same === 1 ? 'it' : 'them'} get 401.`,
          'Your other tokens and your dashboard session stay.',
        ],
      },
    });
  });

  r.post('/tokens/revoke', need.self, formAction(() => '/tokens', (req) => {
    berth.access.revokeToken(req.user!, field(req, 'name'));
    return { to: '/tokens', ok: `Revoked the token ${field(req, 'name')}.` };
  }));

  r.get('/ssh-keys', need.self, (req, res) => {
    const admin = req.user!.role === 'admin';
    render(views, req, res, 'ssh-keys.njk', {
      keys: berth.access.sshKeys(admin ? null : req.user!),
      users: admin ? berth.access.listUsers().map((u) => u.name) : [],
      isAdmin: admin,
    });
  });

  /** `user` (admins only; the service refuses anyone else naming another user) adds the key for that user. */
  r.post('/ssh-keys', need.self, formAction(() => '/ssh-keys', (req) => {
    const owner = berth.access.keysSubject(req.user!, field(req, 'user'));
    const key = berth.access.addSshKey(owner, { name: field(req, 'name'), publicKey: field(req, 'key') });
    return { to: '/ssh-keys', ok: `Added the SSH key ${key.name} (${key.fingerprint}) for ${owner.name}.` };
  }));

  r.get('/ssh-keys/remove', need.self, (req, res) => {
    const owner = berth.access.keysSubject(req.user!, query(req, 'user'));
    const name = query(req, 'name');
    const key = berth.access.sshKeys(owner).find((k) => k.name === name);
    if (!key) throw new BerthError('SSH_KEY_NOT_FOUND', `No SSH key named "${name.slice(0, 60)}" for ${owner.name}.`);
    render(views, req, res, 'confirm.njk', {
      app: null,
      confirm: {
        title: `Remove the SSH key ${name} of ${owner.name}?`, action: '/ssh-keys/remove', fields: { name, user: owner.name }, button: `Remove ${name}`,
        back: { href: '/ssh-keys', label: 'SSH keys' },
        effects: [
          `The key ${key.fingerprint} no longer opens git push or berth commands over SSH for ${owner.name}.`,
          `${owner.name}'s other keys, tokens and dashboard sessions stay.`,
        ],
      },
    });
  });

  r.post('/ssh-keys/remove', need.self, formAction(() => '/ssh-keys', (req) => {
    const owner = berth.access.keysSubject(req.user!, field(req, 'user'));
    berth.access.removeSshKey(owner, field(req, 'name'));
    return { to: '/ssh-keys', ok: `Removed the SSH key ${field(req, 'name')} of ${owner.name}.` };
  }));
  return r;
}
