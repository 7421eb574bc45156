import type Docker from 'dockerode';
import { requireRef } from './docker-errors';

/**
 * The exit code of the container's newest `die` event in the last `withinSeconds`: docker keeps
 * recent events, and a bounded query (`since` … `until` now) ends by itself. Inspect's ExitCode is
 * 0 again as soon as a restart policy starts the container anew, so a crash loop needs this.
 */
export async function lastExitCode(docker: Docker, id: string, withinSeconds: number): Promise<number | null> {
  const now = Math.floor(Date.now() / 1000);
  const stream = await docker.getEvents({
    since: now - withinSeconds, until: now + 1,
    filters: { type: ['container'], container: [requireRef(id, 'container id')], event: ['die'] },
  }) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  let code: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
    const n = Number(e.Actor?.Attributes?.exitCode);
    if (Number.isInteger(n)) code = n;
  }
  return code;
}
