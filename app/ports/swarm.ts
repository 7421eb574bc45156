/** What berth asks of a Docker Swarm (the engine's services, tasks and nodes API). */
import type { NodeView } from '../api-contract';

export interface SwarmServiceSpec {
  /** Service name, e.g. `berth-myapp-web-3f9a1c`. */
  readonly name: string;
  /** An image reference every node can pull (berth's registry). */
  readonly image: string;
  /** Shell command; empty or undefined runs the image's own CMD. */
  readonly command?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas: number;
  /** Container port published in host mode on a port the engine picks per task; null publishes nothing. */
  readonly publishPort: number | null;
  /**
   * Host port to publish `publishPort` on (host mode, on the task's node) instead of one the engine
   * picks. A fixed port cannot be held by an old and a new task at once: updates then stop first.
   */
  readonly publishedPort?: number;
  /** `no`, `always`, `unless-stopped`, `on-failure[:N]` — mapped to swarm's restart conditions. */
  readonly restartPolicy: string;
  readonly memoryMb?: number | null;
  readonly cpus?: number | null;
  /** Placement constraints, e.g. `node.labels.zone==a`. */
  readonly constraints: readonly string[];
  /** Named volumes or host folders, as on docker-local. */
  readonly mounts?: readonly { source: string; target: string }[];
  /** SIGTERM to SIGKILL when swarm stops a task (the app's stop-timeout); default 10. */
  readonly stopGraceSeconds?: number;
  /** Updating an existing service: replace its tasks even when nothing else changed, in the same update (`--force`). */
  readonly forceNewTasks?: boolean;
}

export interface SwarmServiceInfo {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly image: string;
  /** Swarm's own rolling-update state: `updating`, `completed`, `rollback_completed`, …; null before any update. */
  readonly updateState: string | null;
  /** Its placement constraints, e.g. `node.labels.zone==a` (none: any node). */
  readonly constraints?: readonly string[];
}

export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  readonly slot: number | null;
  readonly nodeId: string;
  /** Current state: new, pending, assigned, preparing, starting, running, complete, failed, shutdown, rejected, … */
  readonly state: string;
  readonly desiredState: string;
  readonly message: string;
  readonly error: string | null;
  /** Host ports the task publishes (host mode), in the order of the service's published ports. */
  readonly hostPorts: readonly number[];
  readonly containerId: string | null;
}

/** A swarm node: the API contract's shape (app/api-contract/schedulers.ts), which `berth nodes` shows as the engine answers it. */
export type SwarmNode = NodeView;

export interface ServiceLogOptions {
  readonly follow: boolean;
  /** The last N lines of each task (default all). */
  readonly tail?: number;
  /** Only lines after this time (RFC 3339). */
  readonly since?: string;
  readonly signal?: AbortSignal;
  readonly onLine: (line: { at: string; taskId: string | null; text: string }) => void;
}

export interface SwarmEngine {
  /** Whether this engine is a manager of an active swarm. */
  status(): Promise<{ active: boolean; manager: boolean; nodeId: string | null }>;
  /** `docker swarm init`: this engine becomes the manager of a new swarm (docker picks the address when none is given). */
  init(options: { readonly advertiseAddr?: string }): Promise<void>;
  /** What a worker joins with: the swarm's worker token and this manager's `address:port`. */
  joinInfo(): Promise<{ workerToken: string; managerToken: string; managerAddr: string }>;
  /** Creates the service, or updates it in place (rolling, start-first, rolls back on failure). */
  upsertService(spec: SwarmServiceSpec): Promise<SwarmServiceInfo>;
  scaleService(name: string, replicas: number): Promise<void>;
  /** Replaces the service's tasks with new ones (`docker service update --force`); no-op when absent. */
  restartService(name: string): Promise<void>;
  listServices(labels: Readonly<Record<string, string>>): Promise<SwarmServiceInfo[]>;
  removeService(name: string): Promise<void>;
  tasks(service: string): Promise<SwarmTask[]>;
  serviceLogs(service: string, tail: number): Promise<string>;
  /** Every task's lines with docker's timestamps and the task's id; follows until the service goes or the signal aborts. */
  streamServiceLogs(service: string, options: ServiceLogOptions): Promise<void>;
  nodes(): Promise<SwarmNode[]>;
  /** Sets (value string) or removes (null) node labels; the node by id or hostname. */
  labelNode(node: string, labels: Readonly<Record<string, string | null>>): Promise<SwarmNode>;
  /** The node by id, id prefix (4+ characters) or hostname; NODE_NOT_FOUND otherwise. */
  findNode(node: string): Promise<SwarmNode>;
  /** `docker node update --availability`: drain moves the node's tasks to other nodes. */
  setNodeAvailability(node: string, availability: 'active' | 'pause' | 'drain'): Promise<SwarmNode>;
  /** `docker node rm` by id; `force` removes a node that is still up. */
  removeNode(nodeId: string, force: boolean): Promise<void>;
  /** Every task on the node (by id), of any service. */
  nodeTasks(nodeId: string): Promise<SwarmTask[]>;
}

/** berth's own image registry, which every swarm node pulls from. */
export interface ImageRegistry {
  /** Starts it if it is not running; resolves to its `host:port`. */
  ensureRunning(): Promise<string>;
  /** Pushes a local image; resolves to the reference tasks pull (`host:port/repo:tag`). */
  push(image: string, log: (line: string) => void): Promise<string>;
  /**
   * Deletes the repository's tags not in `keep` (their manifests, by digest; a digest that a kept
   * tag shares stays), then reclaims the blobs nothing references. Resolves the deleted tags.
   * Does nothing (and starts nothing) when the registry is not running.
   */
  prune(repo: string, keep: readonly string[]): Promise<string[]>;
  stop(): Promise<void>;
  /** The CA certificate file nodes trust for this registry (on berth's host). */
  readonly caFile?: string;
  /** The login a swarm service needs to pull `image` from this registry (sent with the service, like --with-registry-auth); null for other images. */
  authFor(image: string): RegistryAuth | null;
}

export interface RegistryAuth { readonly serveraddress: string; readonly username: string; readonly password: string }
