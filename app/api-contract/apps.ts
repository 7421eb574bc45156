/** An app as `GET /api/v1/apps` lists it. */
export interface AppSummary {
  readonly name: string;
  readonly createdAt: string;
  readonly deployBranch: string;
  readonly builder: string | null;
  readonly buildpack: string | null;
  readonly restartPolicy: string;
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  /** running, degraded, crashing, deploying, failed (last deploy), stopped or not deployed (older servers leave it out). */
  readonly status?: string;
}

/** The limits an app's containers get: its own (resource:limit), else berth's default, else none (null). */
export interface AppliedLimits {
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  readonly memoryFrom: 'app' | 'default' | 'none';
  readonly cpusFrom: 'app' | 'default' | 'none';
}

/** `GET /api/v1/apps/:app`, and the app a create or rename answers. */
export interface AppDetail extends AppSummary {
  /** The limits that apply (GET only; older servers leave it out). */
  readonly applied?: AppliedLimits;
  /** The live release's version (servers before 0.1 answered `{ version }`); null before the first deploy. */
  readonly currentRelease: number | { readonly version: number } | null;
  /** apps:lock (older servers leave it out). */
  readonly locked?: boolean;
  readonly domains: readonly string[];
  readonly url: string | null;
}

/** `GET /api/v1/apps` */
export interface AppsListResponse {
  readonly apps: readonly AppSummary[];
}

/** `GET /api/v1/apps/:app`, `PATCH /api/v1/apps/:app` */
export interface AppResponse {
  readonly app: AppDetail;
}

/** `POST /api/v1/apps` (apps:create): the new app as the list shows it. */
export interface AppCreatedResponse {
  readonly app: AppSummary;
}

/** `POST /api/v1/apps`: answers 201 with `{ app }` (the new record, a summary). */
export interface CreateAppRequest {
  readonly name: string;
}

/** `PATCH /api/v1/apps/:app`: the new name. */
export interface RenameAppRequest {
  readonly name: string;
}

/** `POST` / `DELETE /api/v1/apps/:app/lock` */
export interface LockResponse {
  readonly locked: boolean;
}
