import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { OneOffOptions } from '../../ports/container-engine';
import { createOptionsFor } from './container-spec';
import type { ContainerLimits } from './hardening';
import { ignoreStatus, streamEnded, toBerthError } from './docker-errors';

/** After the container exits, how long to wait for the last output still in flight. */
const DRAIN_MS = 2000;

type Duplexish = NodeJS.ReadWriteStream & { destroy?: () => void };

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Feeds the caller's stdin to the container; closing our side closes the container's stdin. */
function pipeStdin(stdin: NodeJS.ReadableStream, attached: Duplexish): void {
  stdin.on('data', (chunk: Buffer) => attached.write(chunk));
  stdin.once('end', () => attached.end());
  stdin.once('error', () => attached.end());
}

/**
 * Runs a container to completion: attach before start (so no output is missed), stream
 * stdout+stderr merged into `onOutput`, wait for the exit code, then remove the container.
 */
export async function runOneOff(docker: Docker, o: OneOffOptions, limits?: ContainerLimits): Promise<number> {
  const withStdin = o.stdin !== undefined;
  let container: Docker.Container;
  try {
    container = await docker.createContainer(createOptionsFor(o, { attach: true, stdin: withStdin, limits }));
  } catch (e) {
    throw toBerthError(e, 'DEPLOY_FAILED', `cannot create container ${o.name}`);
  }

  let attached: Duplexish | null = null;
  try {
    // hijack gives a raw two-way socket, needed to write stdin and half-close it.
    attached = (await container.attach({
      stream: true, stdout: true, stderr: true, stdin: withStdin, hijack: withStdin,
    })) as Duplexish;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb): void {
        o.onOutput(chunk);
        cb();
      },
    });
    docker.modem.demuxStream(attached, sink, sink);
    const drained = streamEnded(attached);

    try {
      await container.start();
    } catch (e) {
      throw toBerthError(e, 'DEPLOY_FAILED', `cannot start container ${o.name}`);
    }
    if (o.stdin) pipeStdin(o.stdin, attached);

    const result = (await container.wait()) as { StatusCode?: number };
    await Promise.race([drained, delay(DRAIN_MS)]);
    return typeof result.StatusCode === 'number' ? result.StatusCode : -1;
  } finally {
    attached?.destroy?.();
    await ignoreStatus(container.remove({ force: true }), [404, 409]).catch(() => undefined);
  }
}
