import type Docker from 'dockerode';
import { demuxFrames } from './log-frames';
import type { RegistryAuth, SwarmServiceInfo, SwarmServiceSpec, SwarmTask } from '../../ports/swarm';
import { toCmd } from './container-spec';
import { assertNoDockerSocket, KEPT_CAPABILITIES, withDefaultLimits, type ContainerLimits } from './hardening';
import { dockerStatus } from './docker-errors';

const SECOND = 1_000_000_000;

/** berth's restart policies in swarm's words: swarm has no "unless-stopped" (a removed service is stopped). */
function restartPolicy(policy: string): { Condition: string; MaxAttempts?: number; Delay: number } {
  const m = /^on-failure(?::(\d+))?$/.exec(policy);
  if (m) return { Condition: 'on-failure', MaxAttempts: m[1] ? Number(m[1]) : 0, Delay: SECOND };
  return { Condition: policy === 'no' ? 'none' : 'any', Delay: SECOND };
}

/**
 * The engine's ServiceSpec. Updates start each new task before its old one stops and roll back when
 * a new task fails within the monitor window. Ports are published in host mode on a port the engine
 * picks per task: the ingress routing mesh needs IPVS, which many kernels (this one) lack.
 */
export function serviceSpec(spec: SwarmServiceSpec, limits?: ContainerLimits): Record<string, unknown> {
  assertNoDockerSocket(spec.mounts);
  const s = withDefaultLimits({ ...spec, memoryMb: spec.memoryMb ?? undefined, cpus: spec.cpus ?? undefined }, limits);
  const order = s.publishedPort ? 'stop-first' : 'start-first';
  return {
    Name: s.name,
    Labels: { ...s.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: s.image,
        Command: s.command ? toCmd(s.command) : undefined,
        Env: Object.entries(s.env).map(([k, v]) => `${k}=${v}`),
        Labels: { ...s.labels },
        Mounts: (s.mounts ?? []).map((m) => ({ Type: m.source.startsWith('/') ? 'bind' : 'volume', Source: m.source, Target: m.target })),
        // A task swarm stops (scale down, update, rollback) gets the app's stop-timeout to finish what it serves.
        StopGracePeriod: (s.stopGraceSeconds ?? 10) * SECOND,
        // As for local containers (hardening.ts). Engines before API 1.46 ignore NoNewPrivileges:
        // there the daemon's own --no-new-privileges is the only way (docs/security.md).
        CapabilityDrop: ['ALL'],
        CapabilityAdd: [...KEPT_CAPABILITIES],
        Privileges: { NoNewPrivileges: true },
      },
      Resources: {
        Limits: {
          ...(s.memoryMb ? { MemoryBytes: s.memoryMb * 1024 * 1024 } : {}),
          ...(s.cpus ? { NanoCPUs: Math.round(s.cpus * 1e9) } : {}),
          ...(limits?.pidsLimit ? { Pids: limits.pidsLimit } : {}),
        },
      },
      // 3 files of 10 MB per task, as for local containers: a chatty task must not fill a node's disk.
      LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } },
      RestartPolicy: restartPolicy(s.restartPolicy),
      Placement: { Constraints: [...s.constraints] },
    },
    Mode: { Replicated: { Replicas: s.replicas } },
    UpdateConfig: { Parallelism: 1, Delay: 0, FailureAction: 'rollback', Monitor: 5 * SECOND, MaxFailureRatio: 0, Order: order },
    RollbackConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 5 * SECOND, MaxFailureRatio: 0, Order: order },
    // dnsrr: no virtual IP, which only the ingress mesh and overlay networks would use.
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: s.publishPort === null ? [] : [{
        Protocol: 'tcp', TargetPort: s.publishPort, PublishMode: 'host', ...(s.publishedPort ? { PublishedPort: s.publishedPort } : {}),
      }],
    },
  };
}

interface RawService {
  ID: string;
  Version: { Index: number };
  Spec: { Name: string; Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number } }; TaskTemplate: { ContainerSpec: { Image: string }; Placement?: { Constraints?: string[] | null } } };
  UpdateStatus?: { State?: string };
}

function toInfo(s: RawService): SwarmServiceInfo {
  return {
    id: s.ID, name: s.Spec.Name, labels: s.Spec.Labels ?? {}, replicas: s.Spec.Mode?.Replicated?.Replicas ?? 0,
    image: s.Spec.TaskTemplate.ContainerSpec.Image, updateState: s.UpdateStatus?.State ?? null,
    constraints: s.Spec.TaskTemplate.Placement?.Constraints ?? [],
  };
}

export async function findService(docker: Docker, name: string): Promise<RawService | null> {
  try {
    return (await docker.getService(name).inspect()) as RawService;
  } catch (e) {
    if (dockerStatus(e) === 404) return null;
    throw e;
  }
}

/** The login for an image on berth's registry, sent with each create and update (X-Registry-Auth, as `--with-registry-auth`). */
export type AuthFor = (image: string) => RegistryAuth | null;

/** Service.update with the image's login when it has one (dockerode: auth first). */
async function update(docker: Docker, id: string, spec: Record<string, unknown>, image: string, authFor?: AuthFor): Promise<void> {
  const auth = authFor?.(image);
  const service = docker.getService(id);
  if (auth) await service.update(auth as never, spec as never);
  else await service.update(spec as never);
}

export async function upsertService(docker: Docker, s: SwarmServiceSpec, limits?: ContainerLimits, authFor?: AuthFor): Promise<SwarmServiceInfo> {
  const spec = serviceSpec(s, limits);
  const existing = await findService(docker, s.name);
  if (!existing) {
    const auth = authFor?.(s.image);
    if (auth) await docker.createService(auth as never, spec as unknown as Docker.CreateServiceOptions);
    else await docker.createService(spec as unknown as Docker.CreateServiceOptions);
  } else {
    // ForceUpdate carries over (an unchanged spec makes no new tasks); one more forces new ones.
    const force = forceUpdateOf(existing) + (s.forceNewTasks ? 1 : 0);
    const template = { ...(spec.TaskTemplate as Record<string, unknown>), ForceUpdate: force };
    await update(docker, existing.ID, { ...spec, TaskTemplate: template, version: existing.Version.Index }, s.image, authFor);
  }
  return toInfo((await findService(docker, s.name))!);
}

export async function scaleService(docker: Docker, name: string, replicas: number, authFor?: AuthFor): Promise<void> {
  const existing = await findService(docker, name);
  if (!existing) return;
  const spec = existing.Spec as unknown as Record<string, unknown>;
  await update(docker, existing.ID, { ...spec, Mode: { Replicated: { Replicas: replicas } }, version: existing.Version.Index }, existing.Spec.TaskTemplate.ContainerSpec.Image, authFor);
}

/** `docker service update --force`: bumping ForceUpdate makes swarm replace every task. */
export async function restartService(docker: Docker, name: string, authFor?: AuthFor): Promise<void> {
  const existing = await findService(docker, name);
  if (!existing) return;
  const spec = existing.Spec as unknown as { TaskTemplate: Record<string, unknown> } & Record<string, unknown>;
  await update(docker, existing.ID, { ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: forceUpdateOf(existing) + 1 }, version: existing.Version.Index }, existing.Spec.TaskTemplate.ContainerSpec.Image, authFor);
}

function forceUpdateOf(s: RawService): number {
  return Number((s.Spec.TaskTemplate as { ForceUpdate?: number }).ForceUpdate ?? 0);
}

export async function listServices(docker: Docker, labels: Readonly<Record<string, string>>): Promise<SwarmServiceInfo[]> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const all = (await docker.listServices({ filters: JSON.stringify(filters) } as never)) as unknown as RawService[];
  return all.map(toInfo);
}

export async function removeService(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getService(name).remove();
  } catch (e) {
    if (dockerStatus(e) !== 404) throw e;
  }
}

interface RawTask {
  ID: string; ServiceID: string; Slot?: number; NodeID?: string; DesiredState: string;
  Status: { State: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string }; PortStatus?: { Ports?: { PublishedPort?: number }[] } };
}

export async function serviceTasks(docker: Docker, service: string): Promise<SwarmTask[]> {
  return tasksWhere(docker, { service: [service] });
}

/** Every task swarm placed on the node (by id), of any service. */
export async function nodeTasks(docker: Docker, nodeId: string): Promise<SwarmTask[]> {
  return tasksWhere(docker, { node: [nodeId] });
}

async function tasksWhere(docker: Docker, filters: Record<string, string[]>): Promise<SwarmTask[]> {
  const raw = (await docker.listTasks({ filters: JSON.stringify(filters) })) as RawTask[];
  return raw.map((t) => ({
    id: t.ID, serviceId: t.ServiceID, slot: t.Slot ?? null, nodeId: t.NodeID ?? '',
    state: t.Status.State, desiredState: t.DesiredState, message: t.Status.Message ?? '', error: t.Status.Err ?? null,
    hostPorts: (t.Status.PortStatus?.Ports ?? []).map((p) => p.PublishedPort ?? 0).filter((p) => p > 0),
    containerId: t.Status.ContainerStatus?.ContainerID ?? null,
  }));
}

/** The last lines of every task's output (docker multiplexes them; the frames are stripped). */
export async function serviceLogs(docker: Docker, service: string, tail: number): Promise<string> {
  const buf = (await docker.getService(service).logs({ stdout: true, stderr: true, tail, timestamps: false, follow: false } as never)) as unknown as Buffer;
  return (await demuxFrames(docker, buf)).toString('utf8');
}
