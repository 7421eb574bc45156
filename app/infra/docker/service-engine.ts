import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { dockerOf, type DockerAccess } from './docker-client';
import type { ExecOptions, ExecResult, ServiceContainerSpec, ServiceEngine } from '../../ports/service-engine';
import { fromInspect, NETWORK_LABEL } from './container-info';
import { ignoreStatus, nullOn404, requireRef, toBerthError } from './docker-errors';
import { demuxFrames } from './log-frames';
import { confinement, type ContainerLimits } from './hardening';

const STDERR_KEEP = 64 * 1024;

/** A service container: confined as app containers are, with the default memory limit (services set none of their own). */
export function createSpec(s: ServiceContainerSpec, limits?: ContainerLimits): Docker.ContainerCreateOptions {
  if (s.isolated) return isolatedSpec(s, limits);
  const hostConfig: Docker.HostConfig = {
    ...confinement(limits),
    ...(limits?.defaultMemoryMb ? { Memory: limits.defaultMemoryMb * 1024 * 1024 } : {}),
    NetworkMode: s.network,
    RestartPolicy: { Name: 'unless-stopped' },
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    Mounts: [{ Type: 'volume', Source: s.volume.name, Target: s.volume.target }],
  };
  const exposed: Record<string, object> = {};
  if (s.publish) {
    const key = `${s.publish.containerPort}/tcp`;
    exposed[key] = {};
    // 127.0.0.1 only: an exposed service is for an SSH tunnel or a local tool, never the internet.
    hostConfig.PortBindings = { [key]: [{ HostIp: '127.0.0.1', HostPort: String(s.publish.hostPort) }] };
  }
  return {
    name: s.name,
    Image: s.image,
    Env: Object.entries(s.env).map(([k, v]) => `${k}=${v}`),
    Labels: { [NETWORK_LABEL]: s.network, ...s.labels },
    ExposedPorts: exposed,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: { [s.network]: {} } },
  };
}

/** A restore being verified: network "none" (loopback only: no app, service or outside reach), no port, no restart. */
function isolatedSpec(s: ServiceContainerSpec, limits?: ContainerLimits): Docker.ContainerCreateOptions {
  return {
    name: s.name,
    Image: s.image,
    Env: Object.entries(s.env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...s.labels },
    ExposedPorts: {},
    HostConfig: {
      ...confinement(limits),
      ...(limits?.defaultMemoryMb ? { Memory: limits.defaultMemoryMb * 1024 * 1024 } : {}),
      NetworkMode: 'none',
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      Mounts: [{ Type: 'volume', Source: s.volume.name, Target: s.volume.target }],
    },
  };
}

async function exec(docker: Docker, o: ExecOptions): Promise<ExecResult> {
  const container = docker.getContainer(requireRef(o.container, 'container name'));
  const ex = await container.exec({
    Cmd: [...o.command], AttachStdin: o.stdin !== undefined, AttachStdout: true, AttachStderr: true,
    Env: Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`), User: o.user, Tty: o.tty === true,
  });
  const stream = await ex.start({ hijack: true, stdin: o.stdin !== undefined, Tty: o.tty === true });
  const out = new PassThrough();
  const err = new PassThrough();
  const collected: Buffer[] = [];
  let stderr = '';
  out.on('data', (c: Buffer) => { if (o.stdout) o.stdout.write(c); else collected.push(c); });
  err.on('data', (c: Buffer) => { o.stderr?.write(c); stderr = (stderr + c.toString('utf8')).slice(-STDERR_KEEP); });
  // A terminal's output is one raw stream (no stdout/stderr frames to split).
  if (o.tty) {
    stream.pipe(out);
    if (o.size) await ex.resize({ h: o.size.rows, w: o.size.cols }).catch(() => undefined);
  } else docker.modem.demuxStream(stream, out, err);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (o.stdin) {
    o.stdin.on('data', (c: Buffer) => { if (!stream.write(c)) { o.stdin!.pause(); stream.once('drain', () => o.stdin!.resume()); } });
    // Half-close: docker reads it as end of stdin and lets the command finish.
    o.stdin.on('end', () => stream.end());
    o.stdin.on('error', () => stream.destroy());
  }
  await done;
  let info = await ex.inspect();
  for (let i = 0; info.Running && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    info = await ex.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(collected).toString('utf8'), stderr };
}

/** The ServiceEngine port with dockerode: service containers, their volumes, exec with streams. */
export function createServiceEngine(options: { limits?: ContainerLimits } & DockerAccess): ServiceEngine {
  const docker = dockerOf(options);
  const c = (name: string) => docker.getContainer(requireRef(name, 'container name'));
  const guard = async <T>(p: Promise<T>, context?: string): Promise<T> => {
    try { return await p; } catch (e) { throw toBerthError(e, 'INTERNAL', context); }
  };
  return {
    async ensureVolume(name, labels) {
      const existing = await guard(nullOn404(docker.getVolume(name).inspect()));
      if (existing) return existing.Labels ?? {};
      await guard(docker.createVolume({ Name: name, Labels: { ...labels } }), `cannot create volume ${name}`);
      return { ...labels };
    },
    async inspectVolume(name) {
      const v = await guard(nullOn404(docker.getVolume(name).inspect()));
      return v ? (v.Labels ?? {}) : null;
    },
    removeVolume: (name) => guard(ignoreStatus(docker.getVolume(name).remove(), [404]).then(() => undefined), `cannot remove volume ${name}`),
    async runService(spec) {
      const created = await guard(docker.createContainer(createSpec(spec, options.limits)), `cannot create container ${spec.name}`);
      try {
        // One network per create before API 1.44: the linked apps' networks are joined here.
        for (const n of spec.isolated ? [] : spec.appNetworks ?? []) await ignoreStatus(docker.getNetwork(requireRef(n, 'network name')).connect({ Container: created.id }), [404]);
        await created.start();
      } catch (e) {
        await ignoreStatus(created.remove({ force: true }), [404, 409]).catch(() => undefined);
        throw toBerthError(e, 'INTERNAL', `cannot start container ${spec.name}`);
      }
      return fromInspect(await created.inspect(), spec.network);
    },
    async inspect(name, network) {
      const info = await guard(nullOn404(c(name).inspect()));
      return info ? fromInspect(info, network) : null;
    },
    start: (name) => guard(ignoreStatus(c(name).start(), [304]).then(() => undefined)),
    stop: (name, t) => guard(ignoreStatus(c(name).stop({ t }), [304, 404]).then(() => undefined)),
    restart: (name, t) => guard(c(name).restart({ t }).then(() => undefined)),
    remove: (name) => guard(ignoreStatus(c(name).remove({ force: true }), [404, 409]).then(() => undefined)),
    async logs(name, tail) {
      const raw: unknown = await guard(c(name).logs({ stdout: true, stderr: true, follow: false, tail }));
      const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''));
      return (await demuxFrames(docker, buf)).toString('utf8');
    },
    exec: (o) => guard(exec(docker, o), `cannot run ${o.command[0]} in ${o.container}`),
    imageExists: async (ref) => (await guard(nullOn404(docker.getImage(ref).inspect()))) !== null,
  };
}
