import type { AppSummary } from './app-summaries';

/**
 * What the live parts of a page depend on, as one string: each app's status word, release and
 * newest job (id and status). The page renders it; the live stream sends it again whenever it
 * changes, and the page then fetches its live regions anew.
 */
export function liveKey(summaries: readonly AppSummary[]): string {
  return summaries.map((s) => `${s.name}:${s.status}:${s.release ?? '-'}:${s.lastBuild ? `${s.lastBuild.id}.${s.lastBuild.status}` : '-'}`).join(' ');
}

/** How often the live stream looks again (ms): a crash loop or a push started elsewhere shows within this. */
export const LIVE_EVERY_MS = 1500;

/**
 * Sends `state` events `{ key }` while the request is open: at once, then whenever `read` answers
 * another key. One look at a time; a failed look is skipped (the next one tries again).
 */
export async function followKey(read: () => Promise<string>, send: (key: string) => void, signal: AbortSignal, everyMs = LIVE_EVERY_MS): Promise<void> {
  let last: string | null = null;
  while (!signal.aborted) {
    const key = await read().catch(() => null);
    if (key !== null && key !== last) { last = key; send(key); }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, everyMs);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}
