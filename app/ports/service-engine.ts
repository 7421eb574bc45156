/** What the service kit needs from the container engine beyond app containers. infra/docker implements it. */
import type { ContainerInfo } from './container-engine';

export interface ServiceContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly network: string;
  /** The networks of the apps linked to it, joined before it starts; one that does not exist yet is skipped (the app's deploy makes it and joins). */
  readonly appNetworks?: readonly string[];
  /** Named volume mounted at `target` (the service's data). */
  readonly volume: { readonly name: string; readonly target: string };
  /** Publish `containerPort` on 127.0.0.1:`hostPort` only; never on other addresses. */
  readonly publish?: { readonly hostPort: number; readonly containerPort: number };
  /**
   * A throw-away container (a restore being verified): no network but its own loopback (`network`
   * and `appNetworks` are ignored), never published, never restarted.
   */
  readonly isolated?: boolean;
}

export interface ExecOptions {
  readonly container: string;
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Sent to the command's stdin, then closed. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Receives the command's stdout; collected and returned when absent. */
  readonly stdout?: NodeJS.WritableStream;
  /** Also receives the command's stderr as it comes (an interactive client's errors); its tail is returned either way. */
  readonly stderr?: NodeJS.WritableStream;
  readonly user?: string;
  /** A terminal for the command (`<service>:connect` from a terminal): output is one stream, sent to stdout. */
  readonly tty?: boolean;
  /** The terminal's size, with tty. */
  readonly size?: { readonly cols: number; readonly rows: number };
}

export interface ExecResult {
  readonly exitCode: number;
  /** stdout, when no `stdout` stream was given. */
  readonly output: string;
  /** The last 64 KiB of stderr. */
  readonly stderr: string;
}

export interface ServiceEngine {
  /** Creates the named volume unless it exists; returns its labels (those it was created with). */
  ensureVolume(name: string, labels: Readonly<Record<string, string>>): Promise<Record<string, string>>;
  /** The volume's labels, or null when there is no such volume. */
  inspectVolume(name: string): Promise<Record<string, string> | null>;
  removeVolume(name: string): Promise<void>;
  /** Creates and starts; resolves once docker reports it running. */
  runService(spec: ServiceContainerSpec): Promise<ContainerInfo>;
  inspect(name: string, network: string): Promise<ContainerInfo | null>;
  start(name: string): Promise<void>;
  stop(name: string, timeoutSeconds: number): Promise<void>;
  restart(name: string, timeoutSeconds: number): Promise<void>;
  remove(name: string): Promise<void>;
  logs(name: string, tail: number): Promise<string>;
  exec(options: ExecOptions): Promise<ExecResult>;
  imageExists(ref: string): Promise<boolean>;
}
