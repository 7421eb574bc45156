import express, { type Router, type Request } from 'express';
import { strictRouter } from '../strict-router';
import type { Berth } from '../../boot/create-berth';
import { BerthError, STATUS_FOR_KIND, asBerthError } from '../../errors';
import { tokenOf } from '../auth-middleware';

export interface GitHookCodec {
  read(body: unknown): import('../../ports/git-repos').PushedRef & { user: string };
  writer(write: (s: string) => void): { line(text: string): void; exit(code: number): void };
  secretHeader: string;
}

/**
 * git's smart HTTP under /git/<app>.git, authenticated by an API token as the basic-auth
 * password, and the internal endpoint the pre-receive hook calls.
 */
export function gitRoutes(berth: Berth, codec: GitHookCodec): Router {
  const r = strictRouter();

  r.use('/git', async (req, res) => {
    let user;
    try {
      user = berth.users.authenticate(tokenOf(req));
    } catch {
      res.status(401).setHeader('www-authenticate', 'Basic realm="berth"');
      res.end('berth: a valid API token is needed as the password (run `berth git:remote <app>`).\n');
      return;
    }
    try {
      const app = /^\/([a-z][a-z0-9-]{0,62})\.git(\/|$)/.exec(req.path)?.[1];
      if (!app) throw new BerthError('APP_NOT_FOUND', `"${req.path}" is not an app repo: use /git/<app>.git.`);
      // Decided on what git http-backend itself will see: one `service=` at most, and anything that
      // names receive-pack (in the query or the path) is a push. `?service=git-receive-pack&service=
      // git-upload-pack` used to be read as a read.
      const query0 = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
      const services = new URLSearchParams(query0).getAll('service');
      if (services.length > 1) throw new BerthError('INVALID_INPUT', 'Send one service= parameter (git-upload-pack or git-receive-pack).');
      const pushing = services[0] === 'git-receive-pack' || req.path.includes('receive-pack');
      if (pushing) await berth.repos.assertRoomToPush();
      if (!berth.store.apps.get(app)) {
        if (!pushing || !berth.config.autoCreateApps) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; create it with \`berth apps:create ${app}\`.`);
        berth.access.authorize(user, 'admin', null);
        await berth.events.withSource('git', () => berth.apps.create(app, user.name));
      }
      berth.access.authorize(user, pushing ? 'write' : 'read', app);
      await berth.repos.ensureRepo(app);
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
      await berth.repos.serveHttp({
        method: req.method, pathInfo: req.path, query, contentType: req.headers['content-type'],
        contentEncoding: req.headers['content-encoding'], body: req, remoteUser: user.name,
        gitProtocol: req.get('git-protocol'),
      }, {
        writeHead: (status, headers) => { res.writeHead(status, headers); },
        body: res,
      });
    } catch (e) {
      const err = asBerthError(e);
      if (!res.headersSent) res.status(STATUS_FOR_KIND[err.kind]).type('text/plain').end(`berth: ${err.message}\n`);
      else res.end();
    }
  });

  r.post('/internal/git-hook', express.json({ limit: '64kb' }), async (req: Request, res) => {
    if (req.headers[codec.secretHeader] !== berth.hook.secret) throw new BerthError('FORBIDDEN', 'Bad hook secret.');
    const push = codec.read(req.body);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.flushHeaders();
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    const out = codec.writer((s) => res.write(s));
    await berth.events.withSource('git', () => berth.pushes.receive(push, out, stop.signal));
    res.end();
  });
  return r;
}
