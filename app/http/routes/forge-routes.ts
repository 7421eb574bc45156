import express, { type Request, type RequestHandler } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { GitSyncResponse, GitAuthResponse, WebhooksListResponse, WebhookCreatedResponse, WebhookRemovedResponse } from '../../api-contract';

/** Where a forge posts: berth's address as this request reached it (behind the own router, its https name). */
const hookUrl = (req: Request, provider: string, app: string): string =>
  `${req.protocol}://${req.get('host') ?? 'localhost'}/hooks/${provider}/${encodeURIComponent(app)}`;

/** git:sync, git:auth and webhooks:* under /api/v1 (the app's developers change them; its viewers list them). */
export function forgeRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  /** `{ url, ref?, ifChanged? }`: fetch and deploy; 202 with the queued build, 200 when --build-if-changes found it deployed. */
  r.post('/apps/:app/git-sync', need.appWrite, async (req, res) => {
    const b = body(req);
    const result = await berth.gitSync.sync({ app: req.params.app, url: b.url, ref: b.ref, ifChanged: b.ifChanged === true, user: userName(req) });
    if (!result.queued) { res.json({ commit: result.commit, repository: result.repository, build: null, ahead: 0 } satisfies GitSyncResponse); return; }
    res.status(202).json({ commit: result.commit, repository: result.repository, build: result.queued.build, ahead: result.queued.ahead } satisfies GitSyncResponse);
  });
  r.get('/apps/:app/git-auth', need.appRead, (req, res) => { res.json({ auth: berth.gitSync.credentialsOf(req.params.app) } satisfies GitAuthResponse); });
  /** `{ kind: "token", username?, secret }` or `{ kind: "key", secret }` (a private key without passphrase). */
  r.post('/apps/:app/git-auth', need.appWrite, (req, res) => {
    const b = body(req);
    berth.gitSync.setCredentials(req.params.app, { kind: b.kind, username: b.username, secret: b.secret }, userName(req));
    res.json({ auth: berth.gitSync.credentialsOf(req.params.app) } satisfies GitAuthResponse);
  });
  r.delete('/apps/:app/git-auth', need.appWrite, (req, res) => {
    berth.gitSync.removeCredentials(req.params.app, userName(req));
    res.json({ auth: null } satisfies GitAuthResponse);
  });
  r.get('/apps/:app/webhooks', need.appRead, (req, res) => {
    res.json({ webhooks: berth.webhooks.list(req.params.app).map((w) => ({ ...w, url: hookUrl(req, w.provider, req.params.app) })) } satisfies WebhooksListResponse);
  });
  /** `{ provider }`: the secret is in this answer only. */
  r.post('/apps/:app/webhooks', need.appWrite, (req, res) => {
    const made = berth.webhooks.create(req.params.app, body(req).provider, userName(req));
    res.status(201).json({ webhook: { provider: made.provider, url: hookUrl(req, made.provider, req.params.app), secret: made.secret } } satisfies WebhookCreatedResponse);
  });
  r.delete('/apps/:app/webhooks/:provider', need.appWrite, (req, res) => {
    berth.webhooks.remove(req.params.app, req.params.provider, userName(req));
    res.json({ removed: req.params.provider } satisfies WebhookRemovedResponse);
  });
  return r;
}

/** The forges' deliveries: no token, each verified by its forge's signature (app/forge/webhook-signature.ts). */
export function forgeHookRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  const OUTSIDE = need.outside('a forge signs each delivery with the app\'s webhook secret (GitHub/Gitea HMAC-SHA256, GitLab token); Webhooks.receive checks it before reading the body');
  // The raw bytes: the signature is over them, not over a re-serialised JSON.
  // No webhook for that app and forge: refused before a byte of the body is read.
  const expected: RequestHandler = (req, _res, next) => {
    berth.webhooks.assertExpected({ provider: String(req.params.provider), app: String(req.params.app), from: req.ip ?? null });
    next();
  };
  r.post('/hooks/:provider/:app', OUTSIDE, expected, express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const answer = await berth.webhooks.receive({
      provider: req.params.provider, app: req.params.app, headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), from: req.ip ?? null,
    });
    res.status(202).json(answer);
  });
  return r;
}
