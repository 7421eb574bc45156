import type Docker from 'dockerode';
import { BerthError } from '../../errors';
import type { PullImageOptions } from '../../ports/container-engine';
import { dockerMessage } from './docker-errors';

interface PullMessage { status?: string; id?: string; progress?: string; error?: string; errorDetail?: { message?: string } }

/**
 * Pulls an image through the engine (with registry credentials when given), reporting progress
 * as lines: one per layer state change (`a1b2c3: Downloading`), not every byte count, so a push
 * log stays readable.
 */
export async function pullImage(docker: Docker, o: PullImageOptions): Promise<void> {
  const auth = o.auth ? { username: o.auth.username, password: o.auth.password, serveraddress: o.auth.server } : undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(o.ref, auth ? { authconfig: auth } : {}) as NodeJS.ReadableStream;
  } catch (e) {
    throw new BerthError('IMAGE_PULL_FAILED', `Pulling ${o.ref} failed: ${dockerMessage(e)}`, { cause: e });
  }
  const last = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null) => {
      if (err) reject(new BerthError('IMAGE_PULL_FAILED', `Pulling ${o.ref} failed: ${err.message}`));
      else resolve();
    }, (m: PullMessage) => {
      if (m.error || m.errorDetail?.message) return; // reported by the callback above
      if (!m.status) return;
      const key = m.id ?? '';
      if (last.get(key) === m.status) return;
      last.set(key, m.status);
      o.onProgress(m.id ? `${m.id}: ${m.status}` : m.status);
    });
  });
}
