import express, { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError, STATUS_FOR_KIND, asBerthError } from '../../errors';
import { tokenOf } from '../auth-middleware';
import { gitRefusal } from '../../builds';

export interface GitHookCodec {
  read(body: unknown): import('../../ports/git-repos').PushedRef & { user: string };
  writer(write: (s: string) => void): { line(text: string): void; exit(code: number): void };
  secretHeader: string;
}

/**
 * git's smart HTTP under /git/<app>.git, authenticated by an API token as the basic-auth
 * password, and the internal endpoint the pre-receive hook calls.
 */
export function gitRoutes(berth: HttpServices, codec: GitHookCodec): GuardedRouter {
  const r = strictRouter();
  const OUTSIDE = need.outside('the hook endpoint checks its secret (git itself, under /git, authorizes each push and fetch in the push gate)');

  r.use('/git', async (req, res) => {
    // `/<app>.git/…` or `/<app>/…`, as over SSH; the gate applies the one app-name rule to it.
    const [, segment = '', rest = ''] = /^\/([^/]*)(\/.*)?$/.exec(req.path) ?? [];
    const app = segment.replace(/\.git$/, '');
    // Decided on what git http-backend itself will see: one `service=` at most, and anything that
    // names receive-pack (in the query or the path) is a push. `?service=git-receive-pack&service=
    // git-upload-pack` used to be read as a read.
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const services = new URLSearchParams(query).getAll('service');
    const pushing = services[0] === 'git-receive-pack' || req.path.includes('receive-pack');
    let user;
    try {
      // A deploy token made for `push:<app>` pushes to that app only (app/users/deploy-scope.ts), and
      // only to what http-backend serves as receive-pack: it picks the service by the path for a POST
      // (`/git-upload-pack?service=git-receive-pack` is a fetch) and serves other paths as files.
      user = berth.users.authenticate(tokenOf(req), { app, action: servesReceivePack(rest, services) ? 'push' : null });
    } catch (e) {
      const err = asBerthError(e);
      if (err.code === 'FORBIDDEN') { res.status(403).type('text/plain').end(gitRefusal(err)); return; }
      res.status(401).setHeader('www-authenticate', 'Basic realm="berth"');
      res.end('berth: a valid API token is needed as the password (run `berth git:remote <app>`).\n');
      return;
    }
    try {
      if (services.length > 1) throw new BerthError('INVALID_INPUT', 'Send one service= parameter (git-upload-pack or git-receive-pack).');
      const named = serviceOfPath(rest);
      if (named && services.length === 1 && services[0] !== named) {
        throw new BerthError('INVALID_INPUT', `The path asks for ${named} and the query for ${services[0]}: send one service.`);
      }
      await berth.events.withSource('git', () => berth.pushGate.serveHttp({ user, app, pushing }, {
        method: req.method, pathInfo: `/${app}.git${rest}`, query, contentType: req.headers['content-type'],
        contentEncoding: req.headers['content-encoding'], body: req, gitProtocol: req.get('git-protocol'),
      }, {
        writeHead: (status, headers) => { res.writeHead(status, headers); },
        body: res,
      }));
    } catch (e) {
      const err = asBerthError(e);
      if (!res.headersSent) res.status(STATUS_FOR_KIND[err.kind]).type('text/plain').end(gitRefusal(err));
      else res.end();
    }
  });

  r.post('/internal/git-hook', OUTSIDE, express.json({ limit: '64kb' }), async (req: Request, res) => {
    if (!berth.pushGate.isHookSecret(req.headers[codec.secretHeader])) throw new BerthError('FORBIDDEN', 'Bad hook secret.');
    const push = codec.read(req.body);
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.flushHeaders();
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    const out = codec.writer((s) => res.write(s));
    await berth.events.withSource('git', () => berth.pushGate.receive(push, out, stop.signal));
    res.end();
  });
  return r;
}

/** The service a smart-HTTP POST path names (`/git-upload-pack`, `/git-receive-pack`); null for others. */
function serviceOfPath(rest: string): string | null {
  return rest === '/git-receive-pack' || rest === '/git-upload-pack' ? rest.slice(1) : null;
}

/** http-backend will run receive-pack: the advertisement asked for it, or the receive-pack POST (no other service named). */
function servesReceivePack(rest: string, services: readonly string[]): boolean {
  if (services.length > 1) return false;
  if (rest === '/info/refs') return services[0] === 'git-receive-pack';
  return serviceOfPath(rest) === 'git-receive-pack' && (services.length === 0 || services[0] === 'git-receive-pack');
}
