import type { QueuedBuild } from './builds';

/** The two schedulers an app (or a service) runs on. */
export type SchedulerNameView = 'docker-local' | 'swarm';

/** One process type as its scheduler runs it: how many are wanted, how many run, and where. */
export interface SchedulerProcessView {
  readonly type: string;
  readonly desired: number;
  readonly running: number;
  readonly instances: ReadonlyArray<{
    readonly name: string; readonly node: string | null; readonly state: string; readonly address: string | null;
    /** Swarm: the task's id and the release its service runs. */
    readonly id?: string; readonly release?: number | null;
  }>;
  /** Swarm: why the type is down and what to do. */
  readonly problem?: string | null;
}

/** `scheduler:report <app>`: the app's setting, the scheduler in force, placement and where each process runs. */
export interface SchedulerReportView {
  readonly app: string;
  /** The app's own setting, or null: it follows BERTH_SCHEDULER. */
  readonly setting: SchedulerNameView | null;
  readonly scheduler: SchedulerNameView;
  readonly placement: readonly string[];
  readonly status: { readonly scheduler: SchedulerNameView; readonly processes: readonly SchedulerProcessView[] };
}

/** `GET /api/v1/apps/:app/scheduler` */
export interface SchedulerReportResponse {
  readonly scheduler: SchedulerReportView;
}

/** `PATCH /api/v1/apps/:app/scheduler` `{ scheduler: "swarm" | "docker-local" | "default" }` */
export interface SchedulerSetRequest {
  readonly scheduler: string;
}

/** The scheduler in force after the change; with the queued re-release (202) when the app was deployed. */
export type SchedulerSetResponse = { readonly scheduler: SchedulerNameView } & Partial<QueuedBuild>;

/** `PATCH /api/v1/apps/:app/placement` `{ placement: ["node.labels.zone==a"] | "none" }` */
export interface PlacementRequest {
  readonly placement: string | readonly string[];
}

/** The placement constraints now set; with the queued re-release (202) for a deployed swarm app. */
export type PlacementResponse = { readonly placement: readonly string[] } & Partial<QueuedBuild>;

/** What `swarm:init` answers: the manager, its join command, and berth's registry. */
export interface SwarmInitView {
  /** False when this engine already managed a swarm (nothing was changed). */
  readonly created: boolean;
  /** This manager's `address:port`, which workers join. */
  readonly managerAddr: string;
  /** The command to run on a new node (it holds the swarm's join token). */
  readonly joinCommand: string;
  /** berth's registry (`host:port`), which every node pulls release images from. */
  readonly registry: string;
  /** False when the registry listens on loopback only: other nodes cannot pull from it. */
  readonly registryReachable: boolean;
  /** The CA file (on this host) each node trusts for the registry, at /etc/docker/certs.d/<registry>/ca.crt. */
  readonly registryCa: string | null;
}

/** `POST /api/v1/swarm/init` `{ advertiseAddr?: string }` */
export interface SwarmInitResponse {
  readonly swarm: SwarmInitView;
}

/** `POST /api/v1/nodes/add` `{ role?: "worker" | "manager" }` */
export interface NodeAddResponse {
  readonly node: Omit<SwarmInitView, 'created'> & { readonly role: 'worker' | 'manager' };
}

/** A swarm node as `berth nodes` lists it. */
export interface NodeView {
  readonly id: string;
  readonly hostname: string;
  readonly role: string;
  /** ready, down, unknown, disconnected */
  readonly status: string;
  /** active, pause, drain */
  readonly availability: string;
  readonly addr: string;
  readonly leader: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/** `GET /api/v1/nodes` */
export interface NodesListResponse {
  readonly nodes: readonly NodeView[];
}

/** `POST /api/v1/nodes/:node/labels` `{ labels: ["zone=a", "disk="] }` */
export interface NodeLabelsRequest {
  readonly labels: string | readonly string[];
}

/** The node with its labels after the change. */
export interface NodeResponse {
  readonly node: NodeView;
}

/** A node's router agent as `berth nodes` shows it: no problems (they name apps), so every role may read it. */
export interface NodeRouterView {
  readonly name: string;
  /** The route version it serves. */
  readonly version: number;
  /** current, updating, behind, failing, silent (router:report says why) */
  readonly state: RouterView['state'];
}

/** A swarm node with the router agent reporting from it, if any. */
export interface NodeListedView extends NodeView {
  readonly router: NodeRouterView | null;
}

/** `GET /api/v1/nodes` */
export interface NodesListedResponse {
  readonly nodes: readonly NodeListedView[];
  /** The route feed's latest version (0: no feed, or nothing published yet). */
  readonly routeVersion: number;
}

/** A route an agent's nginx refused: that app keeps its previous config there, retried with the next change. */
export interface RouterFailureView {
  readonly app: string;
  readonly message: string;
}

/** One router agent against the feed (`berth router:report`). */
export interface RouterView {
  /** The agent's name (unique per router; the host's name by default). */
  readonly name: string;
  /** The swarm node it runs on (its id), when it knows it; null otherwise. */
  readonly nodeId: string | null;
  /** The address clients reach it on (what DNS points at). */
  readonly address: string;
  /** The version it applied (every route of it, but `failures`). */
  readonly version: number;
  /** When it last reloaded with a new version (ms since the epoch); 0: never. */
  readonly appliedAt: number;
  /** When it last looked (ms since the epoch). */
  readonly seenAt: number;
  /** current: serves the feed's version; updating: briefly behind; behind, failing, silent: see `problem`. */
  readonly state: 'current' | 'updating' | 'behind' | 'failing' | 'silent';
  readonly problem: string | null;
  readonly failures: readonly RouterFailureView[];
}

/** The feed's version and each agent (admins only). */
export interface RouterReportView {
  readonly version: number;
  readonly publishedAt: number;
  readonly routers: readonly RouterView[];
}

/** `GET /api/v1/routers` */
export interface RouterReportResponse {
  readonly routers: RouterReportView;
}

/** `DELETE /api/v1/routers/:name` */
export interface RouterForgetResponse {
  readonly forgotten: string;
}

/** `POST /api/v1/routers/remove` */
export interface RouterRemoveResponse {
  /** False when no berth-router service was there. */
  readonly removed: boolean;
}
