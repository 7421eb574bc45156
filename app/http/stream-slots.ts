import type { Request, Response } from 'express';
import { BerthError } from '../errors';
import type { HttpServices } from './http-services';

/** Answers that stay open (the dashboard's SSE streams, `?follow=1` logs) one user may hold at once. */
export const STREAMS_PER_USER = 20;

/** How often an open stream asks again whether its user may still read what it streams (ms). */
export const RECHECK_EVERY_MS = 3000;

// Per berth web app (its HttpServices object), so two berths in one process count apart.
const open = new WeakMap<object, Map<number, number>>();

/**
 * Takes one of the user's stream slots for this response; it is given back when the response
 * closes. Each open stream costs berth a timer and, on the live pages, a Docker look every 1.5 s
 * (live-key.ts), or a followed Docker log: without a cap, one viewer's script holding thousands
 * of them slows berth, Docker and every app's deploys for everyone. A dashboard tab holds two or
 * three. Throws STREAM_LIMIT (429) when the user holds them all; call before the answer starts.
 *
 * The authorization layer decided once, when the stream opened; a stream outlives that decision.
 * So every few seconds the user is read again: removed, given another role, or no longer a
 * collaborator of the app (`:app`), the stream is cut, as their next request would be refused.
 */
export function takeStreamSlot(owner: Pick<HttpServices, 'access'>, req: Request, res: Response): void {
  const user = req.user;
  if (!user) return; // every streaming route needs a login; nothing to count without one
  let counts = open.get(owner);
  if (!counts) { counts = new Map(); open.set(owner, counts); }
  const held = counts.get(user.id) ?? 0;
  if (held >= STREAMS_PER_USER) {
    throw new BerthError('STREAM_LIMIT', `${user.name} has ${held} live streams open (logs, build logs, live pages), as many as berth allows one user (${STREAMS_PER_USER}); close some pages or \`logs -t\` first.`);
  }
  counts.set(user.id, held + 1);
  const app = typeof req.params.app === 'string' ? req.params.app : null;
  const recheck = setInterval(() => { if (!stillAllowed(owner, user, app)) res.destroy(); }, RECHECK_EVERY_MS);
  recheck.unref();
  let given = false;
  res.on('close', () => {
    clearInterval(recheck);
    if (given) return;
    given = true;
    const now = (counts.get(user.id) ?? 1) - 1;
    if (now > 0) counts.set(user.id, now);
    else counts.delete(user.id);
  });
}

function stillAllowed(berth: Pick<HttpServices, 'access'>, user: NonNullable<Request['user']>, app: string | null): boolean {
  try {
    const now = berth.access.requireUser(user.name);
    return now.id === user.id && now.role === user.role && (app === null || berth.access.can(now, 'read', app));
  } catch {
    return false; // the user is gone
  }
}
