import type { Request, Response } from 'express';
import { BerthError } from '../errors';

/** Answers that stay open (the dashboard's SSE streams, `?follow=1` logs) one user may hold at once. */
export const STREAMS_PER_USER = 20;

// Per berth web app (its HttpServices object), so two berths in one process count apart.
const open = new WeakMap<object, Map<number, number>>();

/**
 * Takes one of the user's stream slots for this response; it is given back when the response
 * closes. Each open stream costs berth a timer and, on the live pages, a Docker look every 1.5 s
 * (live-key.ts), or a followed Docker log: without a cap, one viewer's script holding thousands
 * of them slows berth, Docker and every app's deploys for everyone. A dashboard tab holds two or
 * three. Throws STREAM_LIMIT (429) when the user holds them all; call before the answer starts.
 */
export function takeStreamSlot(owner: object, req: Request, res: Response): void {
  const user = req.user;
  if (!user) return; // every streaming route needs a login; nothing to count without one
  let counts = open.get(owner);
  if (!counts) { counts = new Map(); open.set(owner, counts); }
  const held = counts.get(user.id) ?? 0;
  if (held >= STREAMS_PER_USER) {
    throw new BerthError('STREAM_LIMIT', `${user.name} has ${held} live streams open (logs, build logs, live pages), as many as berth allows one user (${STREAMS_PER_USER}); close some pages or \`logs -t\` first.`);
  }
  counts.set(user.id, held + 1);
  let given = false;
  res.on('close', () => {
    if (given) return;
    given = true;
    const now = (counts.get(user.id) ?? 1) - 1;
    if (now > 0) counts.set(user.id, now);
    else counts.delete(user.id);
  });
}
