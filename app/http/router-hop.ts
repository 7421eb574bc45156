import crypto from 'node:crypto';
import type { RequestHandler } from 'express';

/** The header berth's router sets (app/infra/nginx/templates/own.conf.njk). */
const HOP_HEADER = 'x-berth-router';
/** What a proxy says about the client, which express reads with `trust proxy` (req.ip, req.protocol, req.hostname). */
const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

/**
 * With an own address, `trust proxy` believes the loopback hop, since berth's router connects from
 * there; but so can any process on this host, which could then pick the address the login limiter
 * counts (a fresh one for each guess) or claim HTTPS. The router proves it is the hop with the
 * secret header; a request without it loses its forwarded headers, so express sees the
 * connection's own address and scheme. The header goes either way: no route ever sees the secret.
 * `secret` null (no own address): `trust proxy` is off and nothing is changed.
 */
export function routerHop(secret: string | null): RequestHandler {
  return (req, _res, next) => {
    if (secret === null) { next(); return; }
    const sent = req.headers[HOP_HEADER];
    delete req.headers[HOP_HEADER];
    const proven = typeof sent === 'string' && sameBytes(Buffer.from(sent), Buffer.from(secret));
    if (!proven) for (const h of FORWARDED) delete req.headers[h];
    next();
  };
}

const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && crypto.timingSafeEqual(a, b);
