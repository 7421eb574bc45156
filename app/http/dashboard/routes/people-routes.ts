import type { Request } from 'express';
import type nunjucks from 'nunjucks';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type { HttpServices } from '../../http-services';
import { BerthError } from '../../../errors';
import { userName } from '../../auth-middleware';
import { field, formAction, formPage, queryText as query } from '../form';
import { render } from '../views';
const appUrl = (req: Request) => `/apps/${encodeURIComponent(String(req.params.app))}`;
const collabUrl = (req: Request) => `${appUrl(req)}/collaborators`;

/**
 * Users (/users: admins add, give another role, remove) and each app's collaborators
 * (/apps/<app>/collaborators: everyone who sees the app reads the list, admins change it), through
 * the AccessService calls the API uses. The authorization layer refuses others before these run.
 */
export function peopleRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const r = strictRouter();
  /** A refused collaborator form goes back to its page, or to the app's (which says so) when there is no such app. */
  const back = (req: Request) => (berth.apps.find(String(req.params.app)) ? collabUrl(req) : appUrl(req));

  r.get('/users', need.admin, (req, res) => {
    render(views, req, res, 'users.njk', { users: berth.access.listUsers(), created: null });
  });

  /** The new user's first API token is in this one answer (as `users:add` prints it), so no redirect. */
  r.post('/users', need.admin, formPage('/users', async (req, res) => {
    const password = field(req, 'password');
    const created = await berth.access.addUser({
      name: field(req, 'name'), role: field(req, 'role') || undefined, by: userName(req),
      setPassword: password === '' ? undefined : (name) => berth.sessions.setPassword(name, password),
    });
    render(views, req, res, 'users.njk', { users: berth.access.listUsers(), created: { ...created, password: password !== '' } }, 201);
  }));

  /** What another role will let the user do, before the POST changes it. */
  r.get('/users/role', need.admin, (req, res) => {
    const name = query(req, 'name');
    const role = query(req, 'role');
    const user = berth.access.listUsers().find((u) => u.name === name);
    if (!user) throw new BerthError('USER_NOT_FOUND', `No user named "${name.slice(0, 60)}".`);
    const what: Record<string, string> = {
      admin: 'they may do everything: every app, every secret, services, users and berth-wide settings.',
      developer: `they may change only the apps they collaborate on (${user.apps.join(', ') || 'none yet'}) and read berth-wide lists; other apps disappear from their view.`,
      viewer: 'they may read every app and change nothing; config values and service passwords are hidden from them.',
    };
    if (!what[role]) throw new BerthError('INVALID_ROLE', `"${role.slice(0, 40)}" is not a role: use admin, developer or viewer.`);
    render(views, req, res, 'confirm.njk', {
      app: null,
      confirm: {
        title: `Make ${name} ${role === 'admin' ? 'an' : 'a'} ${role}?`, action: '/users/role', fields: { name, role }, button: `Make ${name} ${role}`,
        back: { href: '/users', label: 'Users' },
        effects: [
          `${name} is ${user.role === 'admin' ? 'an' : 'a'} ${user.role} now. From their next request ${what[role]}`,
          'Their tokens, SSH keys and dashboard sessions stay, with the new role.',
        ],
      },
    });
  });

  r.post('/users/role', need.admin, formAction(() => '/users', (req) => {
    const user = berth.access.setRole(field(req, 'name'), field(req, 'role'), req.user!);
    return { to: '/users', ok: `${user.name} is now ${user.role}.` };
  }));

  r.get('/users/remove', need.admin, (req, res) => {
    const name = query(req, 'name');
    const user = berth.access.listUsers().find((u) => u.name === name);
    if (!user) throw new BerthError('USER_NOT_FOUND', `No user named "${name.slice(0, 60)}".`);
    const tokens = berth.access.tokens(user).length;
    const keys = berth.access.sshKeys(user).length;
    render(views, req, res, 'confirm.njk', {
      app: null,
      confirm: {
        title: `Remove the user ${name}?`, action: '/users/remove', fields: { name }, button: `Remove ${name}`,
        back: { href: '/users', label: 'Users' },
        effects: [
          `${name} (${user.role}) can no longer sign in: their dashboard sessions end at once.`,
          `Their ${tokens} API token${tokens === 1 ? '' : 's'} and ${keys} SSH key${keys === 1 ? '' : 's'} stop working and are deleted.`,
          user.apps.length ? `They stop collaborating on ${user.apps.join(', ')}; the apps themselves stay.` : 'They collaborate on no app.',
        ],
      },
    });
  });

  r.post('/users/remove', need.admin, formAction(() => '/users', (req) => {
    berth.access.removeUser(field(req, 'name'), req.user!);
    return { to: '/users', ok: `Removed the user ${field(req, 'name')}.` };
  }));

  r.get('/apps/:app/collaborators', need.appRead, (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    const collaborators = berth.access.collaborators(app);
    const isAdmin = req.user!.role === 'admin';
    // Who could be added: developers (admins and viewers see every app without it), not already in.
    const candidates = isAdmin ? berth.access.listUsers().filter((u) => u.role === 'developer' && !collaborators.includes(u.name)).map((u) => u.name) : [];
    render(views, req, res, 'collaborators.njk', { app: { name: app }, collaborators, candidates, isAdmin });
  });

  r.post('/apps/:app/collaborators', need.appAdmin, formAction(back, (req) => {
    berth.access.addCollaborator(req.params.app as string, field(req, 'user'), userName(req));
    return { to: collabUrl(req), ok: `${field(req, 'user')} now collaborates on ${req.params.app as string}: they may deploy it and change its config.` };
  }));

  r.get('/apps/:app/collaborators/remove', need.appRead, (req, res) => {
    const app = berth.apps.require(req.params.app).name;
    // Only those who may remove see the button (the POST is refused to anyone else anyway).
    berth.access.authorize(req.user!, 'admin', app);
    const name = query(req, 'user');
    if (!berth.access.collaborators(app).includes(name)) throw new BerthError('USER_NOT_FOUND', `"${name.slice(0, 60)}" is not a collaborator on ${app}.`);
    render(views, req, res, 'confirm.njk', {
      app: { name: app },
      confirm: {
        title: `Remove ${name} from ${app}?`, action: `/apps/${app}/collaborators/remove`, fields: { user: name }, button: `Remove ${name}`,
        back: { href: `/apps/${app}/collaborators`, label: `${app}'s collaborators` },
        effects: [
          `${name} can no longer see, deploy or change ${app}; their open log and live streams of it end within seconds.`,
          `${name}'s account, tokens and other apps stay.`,
        ],
      },
    });
  });

  r.post('/apps/:app/collaborators/remove', need.appAdmin, formAction(back, (req) => {
    berth.access.removeCollaborator(req.params.app as string, field(req, 'user'), userName(req));
    return { to: collabUrl(req), ok: `Removed ${field(req, 'user')} from ${req.params.app as string}.` };
  }));
  return r;
}
