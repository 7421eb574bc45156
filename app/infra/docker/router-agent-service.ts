import type Docker from 'dockerode';
import type { RegistryAuth } from '../../ports/swarm';
import type { RouterFleetEngine, RouterServiceSpec } from '../../ports/router-fleet';
import { dockerOf, type DockerAccess } from './docker-client';
import { guarded } from './docker-errors';
import { ensureRouterAgentImage } from './router-agent-image';
import { findService, removeService, serviceTasks } from './swarm-services';

const SECOND = 1_000_000_000;

/**
 * The `berth-router` service: GLOBAL (one task on every node its constraints allow), on the host's
 * network (its nginx binds the node's own ports, as berth's does), restarted whatever way it stops.
 * Swarm fills the templates per node: the agent is named after its node's hostname and reports its
 * node's id (it has no Docker socket to ask).
 */
export function routerServiceSpec(s: RouterServiceSpec): Record<string, unknown> {
  return {
    Name: s.name,
    Labels: { ...s.labels },
    TaskTemplate: {
      ContainerSpec: {
        Image: s.image,
        Env: Object.entries({ ...s.env, BERTH_ROUTER_AGENT_NAME: '{{.Node.Hostname}}', BERTH_ROUTER_AGENT_NODE_ID: '{{.Node.ID}}' }).map(([k, v]) => `${k}=${v}`),
        Labels: { ...s.labels },
        // nginx (as root) binds :80/:443 and drops its workers to nobody; nothing else is kept.
        CapabilityDrop: ['ALL'],
        CapabilityAdd: ['NET_BIND_SERVICE', 'SETUID', 'SETGID', 'CHOWN', 'DAC_OVERRIDE', 'KILL'],
        Privileges: { NoNewPrivileges: true },
        StopGracePeriod: 10 * SECOND,
      },
      Networks: [{ Target: 'host' }],
      LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } },
      RestartPolicy: { Condition: 'any', Delay: 2 * SECOND },
      Placement: { Constraints: [...s.constraints] },
    },
    Mode: { Global: {} },
    // One node at a time, the old agent stopped first (both would bind the same ports).
    UpdateConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 5 * SECOND, Order: 'stop-first' },
  };
}

async function upsertRouterService(docker: Docker, s: RouterServiceSpec, auth: RegistryAuth | null): Promise<void> {
  const spec = routerServiceSpec(s);
  const existing = await findService(docker, s.name);
  if (!existing) {
    if (auth) await docker.createService(auth as never, spec as never);
    else await docker.createService(spec as never);
    return;
  }
  const service = docker.getService(existing.ID);
  const update = { ...spec, version: existing.Version.Index };
  if (auth) await service.update(auth as never, update as never);
  else await service.update(update as never);
}

/** The RouterFleetEngine port over dockerode: the agent image and the swarm service. */
export function createRouterFleetEngine(o: DockerAccess & { root: string; version: string; baseImage: string; authFor: (image: string) => RegistryAuth | null }): RouterFleetEngine {
  const docker = dockerOf(o);
  return {
    ensureImage: guarded((log: (line: string) => void) => ensureRouterAgentImage(docker, { root: o.root, version: o.version, baseImage: o.baseImage, log })),
    upsert: guarded((s: RouterServiceSpec) => upsertRouterService(docker, s, o.authFor(s.image))),
    remove: guarded(async (name: string) => {
      const existed = (await findService(docker, name)) !== null;
      await removeService(docker, name);
      return existed;
    }),
    tasks: guarded((name: string) => serviceTasks(docker, name)),
  };
}
