import type { QueuedBuild } from './builds';

/** `GET /api/v1/apps/:app/config`: name → value (viewers see values masked, app/http/secret-views.ts). */
export interface ConfigResponse {
  readonly config: Readonly<Record<string, string>>;
}

/** `PATCH /api/v1/apps/:app/config`: sets and unsets together; `restart: false` stores without re-releasing. */
export interface ConfigChangeRequest {
  readonly set?: Readonly<Record<string, string>>;
  readonly unset?: readonly string[];
  readonly restart?: boolean;
}

/** The PATCH's answer: the config now, whether anything changed, and the re-release's build (null when none was queued). */
export interface ConfigChangeResponse extends ConfigResponse {
  readonly changed: boolean;
  readonly build: QueuedBuild['build'] | null;
}
