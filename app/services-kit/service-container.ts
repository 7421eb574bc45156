import net from 'node:net';
import { BerthError } from '../errors';
import type { ServiceEngine } from '../ports/service-engine';
import type { ServiceRecord } from '../ports/services';
import type { ServiceDescriptor } from './descriptor';
import { containerNameOf, SERVICE_LABEL, volumeNameOf } from './names';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(2000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export interface ContainerDeps {
  readonly engine: ServiceEngine;
  readonly network: string;
  /** The networks of the apps linked to a service (each app has its own). */
  readonly appNetworksOf?: (plugin: string, name: string) => string[];
  /** Seconds to wait for a service to become ready. */
  readonly readyTimeoutSeconds: number;
}

/** Starts (or re-creates) a service's container from its record, on the berth network, and waits until it is ready. */
export async function runServiceContainer(deps: ContainerDeps, o: { service: ServiceRecord; descriptor: ServiceDescriptor }): Promise<void> {
  const { service, descriptor } = o;
  const name = containerNameOf(service.plugin, service.name);
  await deps.engine.remove(name);
  await deps.engine.runService({
    name,
    image: service.image,
    env: descriptor.containerEnv(service.credentials),
    labels: { [SERVICE_LABEL.plugin]: service.plugin, [SERVICE_LABEL.name]: service.name, [SERVICE_LABEL.scope]: deps.network },
    network: deps.network,
    appNetworks: deps.appNetworksOf?.(service.plugin, service.name) ?? [],
    volume: { name: volumeNameOf(service.plugin, service.name), target: descriptor.dataDir },
    publish: service.exposedPort ? { hostPort: service.exposedPort, containerPort: descriptor.port } : undefined,
  });
  await waitReady(deps, o);
}

/** Waits until the container runs, its port accepts connections and the plugin's ready command passes. */
export async function waitReady(deps: ContainerDeps, o: { service: ServiceRecord; descriptor: ServiceDescriptor }): Promise<void> {
  const name = containerNameOf(o.service.plugin, o.service.name);
  const deadline = Date.now() + deps.readyTimeoutSeconds * 1000;
  let last = 'it did not start';
  while (Date.now() < deadline) {
    const info = await deps.engine.inspect(name, deps.network);
    if (!info) throw new BerthError('SERVICE_NOT_READY', `the container ${name} is gone.`);
    // `restarting`: it crashed and docker's restart policy brings it back; it will not get better by waiting.
    if (info.state === 'exited' || info.state === 'dead' || info.state === 'restarting') {
      const tail = (await deps.engine.logs(name, 15).catch(() => '')).trim();
      throw new BerthError('SERVICE_NOT_READY', `${name} stopped while starting${tail ? `; its last log lines:\n${tail}` : ''}`);
    }
    if (info.state === 'running' && info.ip) {
      if (!(await tcpOpen(info.ip, o.descriptor.port))) {
        last = `port ${o.descriptor.port} does not accept connections`;
      } else if (o.descriptor.readyCommand) {
        const r = await deps.engine.exec({ container: name, command: o.descriptor.readyCommand(o.service.credentials) });
        if (r.exitCode === 0) return;
        last = `its ready check fails (${(r.stderr || r.output).trim().split('\n').pop() ?? `exit ${r.exitCode}`})`;
      } else {
        return;
      }
    }
    await sleep(300);
  }
  throw new BerthError('SERVICE_NOT_READY', `${name} was not ready after ${deps.readyTimeoutSeconds}s: ${last}.`);
}
