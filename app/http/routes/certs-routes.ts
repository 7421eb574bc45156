import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { CertResponse, LetsencryptListResponse, LetsencryptResponse } from '../../api-contract';

/** Certificates (`certs:*`) and Let's Encrypt (`letsencrypt:*`). */
export function certsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/certs', need.appRead, (req, res) => { res.json({ cert: berth.certs.report(req.params.app) } satisfies CertResponse); });
  /** `{ cert: "<PEM chain>", key: "<PEM key>" }`. */
  r.post('/apps/:app/certs', need.appWrite, async (req, res) => {
    const b = body(req);
    res.status(201).json({ cert: await berth.certs.add(req.params.app, { cert: b.cert, key: b.key }, userName(req)) } satisfies CertResponse);
  });
  r.delete('/apps/:app/certs', need.appWrite, async (req, res) => {
    await berth.certs.remove(req.params.app, userName(req));
    res.status(204).end();
  });

  r.get('/letsencrypt', need.read, (_req, res) => { res.json({ apps: berth.letsencrypt.list() } satisfies LetsencryptListResponse); });
  r.get('/apps/:app/letsencrypt', need.appRead, (req, res) => { res.json({ letsencrypt: berth.letsencrypt.status(req.params.app) } satisfies LetsencryptResponse); });
  /** Obtains a certificate now (`{ email? }`) and keeps it renewed. */
  r.post('/apps/:app/letsencrypt', need.appWrite, async (req, res) => {
    const email = body(req).email;
    if (email !== undefined && typeof email !== 'string') throw new BerthError('INVALID_INPUT', '"email" must be text.');
    res.json({ letsencrypt: await berth.letsencrypt.enable(req.params.app, email, userName(req)) } satisfies LetsencryptResponse);
  });
  r.delete('/apps/:app/letsencrypt', need.appWrite, async (req, res) => {
    res.json({ letsencrypt: await berth.letsencrypt.disable(req.params.app, userName(req)) } satisfies LetsencryptResponse);
  });
  r.post('/apps/:app/letsencrypt/renew', need.appWrite, async (req, res) => {
    res.json({ letsencrypt: await berth.letsencrypt.renew(req.params.app, userName(req)) } satisfies LetsencryptResponse);
  });
  return r;
}
