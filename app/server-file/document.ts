/**
 * The server in one file (`berth export` / `berth apply`, docs/server-file.md): the shape of
 * berth.yaml, version 1. Every part is optional in a file: a part that is absent is left as the
 * server has it; a part that is present is converged to exactly (config keys, domains, links and
 * mounts not in it are removed). Apps and services the file does not name are left alone.
 */

/** A secret as the file holds it: in plaintext (only with --include-secrets), sealed, or kept. */
export type SecretValue = string | { readonly encrypted: string } | { readonly keep: true };

/** A value whose secrets are resolved (opened with the passphrase): the plaintext, or KEEP. */
export const KEEP = Symbol('keep what the server has');
export type OpenValue = string | typeof KEEP;

export interface BuildSpec<S> {
  readonly dockerfilePath?: string;
  readonly buildDir?: string | null;
  readonly buildkit?: boolean;
  /** docker-options for the build phase (`--build-arg NAME=VALUE`): literal values are often tokens, so they are one secret. */
  readonly options?: S;
}

export interface MountSpecEntry {
  /** A named volume of the app … */
  readonly volume?: string;
  /** … or a folder directly below the app's storage root ($BERTH_HOME/storage/<app id>/<folder>). */
  readonly folder?: string;
  /** Where the container sees it. */
  readonly path: string;
}

export interface AppSpec<S = SecretValue> {
  readonly deployBranch?: string;
  /** dockerfile, buildpack or auto. */
  readonly builder?: string;
  /** A buildpack name or auto. */
  readonly buildpack?: string;
  readonly build?: BuildSpec<S>;
  readonly restartPolicy?: string;
  readonly resources?: { readonly memoryMb?: number | null; readonly cpus?: number | null };
  readonly checks?: { readonly disabled?: readonly string[]; readonly skipped?: readonly string[] };
  readonly config?: Readonly<Record<string, S>>;
  readonly ports?: readonly string[];
  readonly scale?: Readonly<Record<string, number>>;
  readonly storage?: readonly MountSpecEntry[];
  /** nginx:set settings (client-max-body-size, proxy-read-timeout, …), by name. */
  readonly nginx?: Readonly<Record<string, string>>;
  /** Custom domains (the default `<app>.<BERTH_DOMAIN>` and global ones come by themselves). */
  readonly domains?: readonly string[];
}

export interface ServiceSpec {
  /** app → the env var it gets the service's URL as (DATABASE_URL). */
  readonly links?: Readonly<Record<string, string>>;
}

export interface ServerDoc<S = SecretValue> {
  readonly berth: 1;
  /** Present when values are sealed: how the key is derived from the passphrase. */
  readonly secrets?: { readonly kdf: 'scrypt'; readonly salt: string };
  /** berth-wide settings a verb sets: the global domains (`domains:add-global`). */
  readonly settings?: { readonly globalDomains?: readonly string[] };
  readonly plugins?: Readonly<Record<string, { readonly enabled: boolean }>>;
  /** plugin → service name → spec. */
  readonly services?: Readonly<Record<string, Readonly<Record<string, ServiceSpec>>>>;
  readonly apps?: Readonly<Record<string, AppSpec<S>>>;
}

/** A file whose secrets are opened: what the plan compares with the server. */
export type OpenDoc = ServerDoc<OpenValue>;
/** The server as it is (every value in plaintext). */
export type CurrentDoc = ServerDoc<string>;
