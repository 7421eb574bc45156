import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerLogOptions } from '../../ports/container-engine';
import { requireRef } from './docker-errors';
import { readFrames } from './log-frames';

/** `2024-05-01T10:00:00.123456789Z text` → its two parts (docker's `timestamps` format). */
function parseEntry(payload: string): { at: string; text: string } | null {
  const line = payload.endsWith('\n') ? payload.slice(0, -1) : payload;
  const space = line.indexOf(' ');
  if (space < 0) return /^\d{4}-\d\d-\d\dT/.test(line) ? { at: line, text: '' } : null;
  return { at: line.slice(0, space), text: line.slice(space + 1).replace(/\r$/, '') };
}

function toUnixSince(since: string): string | undefined {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(since);
  if (!m) return undefined;
  const seconds = Math.floor(Date.parse(`${m[1]}Z`) / 1000);
  if (!Number.isFinite(seconds)) return undefined;
  return `${seconds}.${(m[2] ?? '0').padEnd(9, '0').slice(0, 9)}`;
}

/** A container's log with docker's timestamps; follows until the container stops or the signal aborts. */
export async function streamLogs(docker: Docker, id: string, o: ContainerLogOptions): Promise<void> {
  const container = docker.getContainer(requireRef(id, 'container id'));
  // dockerode's types pick the callback overload for an untyped options object; without a callback it returns a promise.
  await readDockerLog(docker, (options) => container.logs(options as never) as unknown as Promise<unknown>, o, (payload) => {
    for (const part of payload.toString('utf8').split(/\n(?=\d{4}-\d\d-\d\dT)/)) {
      const entry = parseEntry(part);
      if (entry) o.onLine(entry);
    }
  });
}

/**
 * Reads a docker log — a container's or a swarm service's, the same multiplexed stream — with
 * timestamps on, one frame at a time (each frame is one log entry; dockerode's demuxStream splits
 * them: readFrames); follows until the stream ends or the signal aborts.
 */
export async function readDockerLog(
  docker: Docker,
  logs: (options: Record<string, unknown>) => Promise<unknown>,
  o: { readonly follow: boolean; readonly tail?: number; readonly since?: string; readonly signal?: AbortSignal },
  onFrame: (payload: Buffer) => void,
): Promise<void> {
  const since = o.since ? toUnixSince(o.since) : undefined;
  const base = { stdout: true, stderr: true, timestamps: true, tail: o.tail ?? 'all', ...(since ? { since } : {}) };
  if (!o.follow) {
    const raw = await logs({ ...base, follow: false });
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : '');
    await readFrames(docker, Readable.from([buf]), onFrame);
    return;
  }
  const stream = (await logs({ ...base, follow: true })) as NodeJS.ReadableStream & { destroy?: () => void };
  const stop = (): void => { stream.destroy?.(); };
  if (o.signal?.aborted) return stop();
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    await readFrames(docker, stream, onFrame);
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
}
