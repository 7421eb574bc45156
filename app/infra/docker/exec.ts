import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions } from '../../ports/container-engine';
import { requireRef, streamEnded } from './docker-errors';

type Duplexish = NodeJS.ReadWriteStream & { destroy?: () => void };

/** docker reports the exit code a moment after the stream ends; ask a few times. */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
    await new Promise((r) => setTimeout(r, 100));
  }
  return -1;
}

/**
 * `docker exec`: a hijacked two-way stream carries stdin in and output out (multiplexed unless
 * it is a TTY). Closing the caller's stdin closes the process's stdin.
 */
export async function execIn(docker: Docker, o: ExecOptions): Promise<number> {
  const container = docker.getContainer(requireRef(o.container, 'container id'));
  const exec = await container.exec({
    Cmd: [...o.command],
    AttachStdin: o.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: o.tty,
    Env: o.env ? Object.entries(o.env).map(([k, v]) => `${k}=${v}`) : undefined,
  });
  const stream = (await exec.start({ hijack: true, stdin: o.stdin !== undefined, Tty: o.tty })) as unknown as Duplexish;
  const done = streamEnded(stream);
  if (o.tty) {
    stream.on('data', (chunk: Buffer) => o.onOutput(chunk));
    if (o.size) await exec.resize({ h: o.size.rows, w: o.size.cols }).catch(() => undefined);
  } else {
    const sink = new Writable({ write(chunk: Buffer, _enc, cb): void { o.onOutput(chunk); cb(); } });
    docker.modem.demuxStream(stream, sink, sink);
  }
  const close = (): void => { stream.end(); };
  o.signal?.addEventListener('abort', () => stream.destroy?.(), { once: true });
  if (o.stdin) {
    o.stdin.on('data', (chunk: Buffer) => stream.write(chunk));
    o.stdin.once('end', close);
    o.stdin.once('error', close);
  }
  await done;
  if (o.signal?.aborted) return -1;
  return exitCodeOf(exec);
}
