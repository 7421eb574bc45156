import assert from 'node:assert/strict';
import { DashboardSession } from '../support/dashboard-session';
import { eventually } from '../support/poll';
import { PASSWORD, type Tenant } from './tenant';

/** As many as berth lets one user hold (app/http/stream-slots.ts). */
const LIMIT = 20;

/**
 * Answers that stay open (the dashboard's live SSE streams, followed logs): each costs berth a
 * Docker look every 1.5 s or a followed log, so a viewer's script must not hold without bound.
 */
export function streamAttacks(t: () => Tenant): void {
  describe('live streams: one user holds a bounded number', () => {
    it(`a viewer holding ${LIMIT} streams (live pages and logs -t) is refused the next, 429 STREAM_LIMIT; others are not; a closed one frees its slot`, async function () {
      this.timeout(60_000);
      const { berth, appA, viewer, dev } = t();
      const session = new DashboardSession(berth.url);
      await session.login(PASSWORD, viewer.name);
      const cookie = [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const held: AbortController[] = [];
      const open = async (urlPath: string, headers: Record<string, string>) => {
        const stop = new AbortController();
        const res = await fetch(`${berth.url}${urlPath}`, { headers, signal: stop.signal, redirect: 'manual' });
        if (res.status === 200) { held.push(stop); return { status: 200, text: '' }; }
        return { status: res.status, text: await res.text() };
      };
      try {
        // The overview's and the app's live state through the session, the app's log by token: one budget.
        for (let i = 0; i < LIMIT; i++) {
          const urlPath = i % 3 === 0 ? '/live' : i % 3 === 1 ? `/apps/${appA}/live` : `/api/v1/apps/${appA}/logs?follow=1&tail=1`;
          const headers: Record<string, string> = urlPath.startsWith('/api/') ? { authorization: `Bearer ${viewer.token}` } : { cookie };
          assert.equal((await open(urlPath, headers)).status, 200, `stream ${i + 1} (${urlPath})`);
        }
        const refused = await open(`/apps/${appA}/live`, { cookie });
        assert.equal(refused.status, 429);
        assert.match(refused.text, /STREAM_LIMIT/);
        const byToken = await open(`/api/v1/apps/${appA}/logs?follow=1&tail=1`, { authorization: `Bearer ${viewer.token}` });
        assert.equal(byToken.status, 429);
        assert.equal(JSON.parse(byToken.text).error.code, 'STREAM_LIMIT');
        // Another user's budget is their own.
        assert.equal((await open(`/api/v1/apps/${appA}/logs?follow=1&tail=1`, { authorization: `Bearer ${dev.token}` })).status, 200);
        // Closing one gives its slot back (the server sees the close a moment later).
        held.shift()!.abort();
        await eventually(async () => {
          const again = await open('/live', { cookie });
          assert.equal(again.status, 200, again.text.slice(0, 200));
        }, 10_000, 100);
      } finally {
        for (const s of held) s.abort();
      }
    });
    it('a developer removed from the app loses its open streams (log by token, live page by session) within seconds; reopening is 403 FORBIDDEN', async function () {
      this.timeout(60_000);
      const { berth, appA, dev } = t();
      const session = new DashboardSession(berth.url);
      await session.login(PASSWORD, dev.name);
      const cookie = [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const stop = new AbortController();
      /** Reads the stream until berth ends it: 'ended', or 'still open' when it is open after 20 s. */
      const untilEnded = async (urlPath: string, headers: Record<string, string>) => {
        const res = await fetch(`${berth.url}${urlPath}`, { headers, signal: stop.signal });
        assert.equal(res.status, 200, urlPath);
        return { urlPath, ended: (async () => {
          const reader = res.body!.getReader();
          const limit = setTimeout(() => reader.cancel().catch(() => undefined), 20_000);
          let cut = false;
          try { for (;;) if ((await reader.read()).done) break; } catch { cut = true; } finally { clearTimeout(limit); }
          return cut ? 'ended' : (stop.signal.aborted ? 'aborted' : 'still open');
        })() };
      };
      try {
        const streams = [
          await untilEnded(`/api/v1/apps/${appA}/logs?follow=1&tail=1`, { authorization: `Bearer ${dev.token}` }),
          await untilEnded(`/apps/${appA}/live`, { cookie }),
        ];
        assert.equal((await berth.api('DELETE', `/api/v1/apps/${appA}/collaborators/${dev.name}`)).status, 200);
        for (const s of streams) assert.equal(await s.ended, 'ended', s.urlPath);
        const again = await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/logs?follow=1&tail=1`);
        assert.equal(again.status, 403);
        assert.equal(again.json.error.code, 'FORBIDDEN');
      } finally {
        stop.abort();
        assert.equal((await berth.api('POST', `/api/v1/apps/${appA}/collaborators`, { user: dev.name })).status, 201);
      }
    });
  });
}
