import type Docker from 'dockerode';
import { BerthError } from '../../errors';
import type { BuildImageOptions, BuiltImage } from '../../ports/container-engine';
import { BuildProgress } from './build-progress';
import { dockerMessage, dockerStatus, toBerthError } from './docker-errors';
import { exposedPortList, lowestTcpPort } from './exposed-port';

const MIB = 1024 * 1024;

/**
 * Why a build was aborted, as a BerthError: the caller's own BerthError if it gave one
 * (`controller.abort(new BerthError('BUILD_TIMEOUT'))`), BUILD_TIMEOUT for AbortSignal.timeout,
 * otherwise BUILD_CANCELLED.
 */
function abortError(signal: AbortSignal): BerthError {
  const reason: unknown = signal.reason;
  if (reason instanceof BerthError) return reason;
  if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') return new BerthError('BUILD_TIMEOUT');
  return new BerthError('BUILD_CANCELLED');
}

function buildQuery(o: BuildImageOptions): Docker.ImageBuildOptions {
  const q: Docker.ImageBuildOptions = {
    t: o.tag,
    dockerfile: o.dockerfile ?? 'Dockerfile',
    rm: true,
    forcerm: true,
  };
  // BuildKit: the engine's built-in builder (dockerd 20.10+), context sent as the request body.
  if (o.buildkit) (q as Docker.ImageBuildOptions & { version?: string }).version = '2';
  if (o.buildArgs) q.buildargs = { ...o.buildArgs };
  if (o.labels) q.labels = { ...o.labels };
  if (o.memoryMb !== undefined) q.memory = Math.round(o.memoryMb * MIB);
  // Lets an abort during the context upload cut the request too (handled below after that).
  if (o.signal) q.abortSignal = o.signal;
  return q;
}

/** Sends the context, follows the progress stream; resolves with the image id docker reported. */
async function runBuild(docker: Docker, o: BuildImageOptions): Promise<string | null> {
  const { signal } = o;
  if (signal?.aborted) throw abortError(signal);

  let response: NodeJS.ReadableStream;
  try {
    response = await docker.buildImage(o.context, buildQuery(o));
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    // An HTTP answer (bad Dockerfile path, unknown option) is the user's build failing.
    if (dockerStatus(e) !== undefined) throw new BerthError('BUILD_FAILED', `docker build failed: ${dockerMessage(e)}`, { cause: e });
    throw toBerthError(e, 'INTERNAL', 'docker build');
  }

  const progress = new BuildProgress(o.onLog);
  const stream = response as NodeJS.ReadableStream & { destroy(err?: Error): void };
  return new Promise<string | null>((resolve, reject) => {
    let settled = false;
    const finish = (err: BerthError | null): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(progress.imageId);
    };
    // Dropping the connection is how a client cancels a classic build: docker stops the step.
    const onAbort = (): void => {
      const err = abortError(signal as AbortSignal);
      stream.destroy();
      const ctx = o.context as NodeJS.ReadableStream & { destroy?: () => void };
      ctx.destroy?.();
      finish(err);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    stream.on('data', (chunk: Buffer) => progress.push(chunk));
    stream.on('error', (e: unknown) => {
      if (signal?.aborted) return onAbort();
      finish(toBerthError(e, 'INTERNAL', 'docker build stream'));
    });
    stream.on('end', () => {
      progress.end();
      if (progress.error !== null) finish(new BerthError('BUILD_FAILED', `docker build failed: ${progress.error}`));
      else finish(null);
    });
    stream.on('close', () => {
      if (settled) return;
      // Closed without 'end': the engine went away mid-build.
      if (signal?.aborted) return onAbort();
      progress.end();
      if (progress.error !== null) finish(new BerthError('BUILD_FAILED', `docker build failed: ${progress.error}`));
      else finish(new BerthError('DOCKER_UNAVAILABLE', 'The Docker Engine closed the build before it finished.'));
    });
  });
}

export async function buildImage(docker: Docker, o: BuildImageOptions): Promise<BuiltImage> {
  const reportedId = await runBuild(docker, o);
  let info: Docker.ImageInspectInfo;
  try {
    info = await docker.getImage(o.tag).inspect();
  } catch (e) {
    throw toBerthError(e, 'BUILD_FAILED', `docker build finished but ${o.tag} cannot be inspected`);
  }
  return {
    id: reportedId ?? info.Id,
    exposedPort: lowestTcpPort(info.Config?.ExposedPorts),
    exposedPorts: exposedPortList(info.Config?.ExposedPorts),
  };
}
