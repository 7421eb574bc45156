import type { AppSummary } from './apps';

/** `PATCH /api/v1/apps/:app/builder` `{ builder?: "dockerfile" | "buildpack" | "auto", buildpack?: <name> | "auto" | null }` */
export interface BuilderChangeRequest {
  readonly builder?: string;
  readonly buildpack?: string | null;
}

/** `PATCH /api/v1/apps/:app/git` `{ deployBranch }` */
export interface DeployBranchRequest {
  readonly deployBranch: string;
}

/** What both settings PATCHes answer: the app with the change made. */
export interface AppSettingsResponse {
  readonly app: AppSummary;
}

/** One scheduled command of the live release (app.json `cron`). */
export interface CronEntryView {
  readonly name: string;
  /** 5-field cron expression. */
  readonly schedule: string;
  readonly command: string;
}

/** `GET /api/v1/apps/:app/cron` */
export interface CronListResponse {
  readonly cron: readonly CronEntryView[];
}

/** `GET /api/v1/version`: the server's berth version, its git commit if known, and the database schema (its highest migration). */
export interface VersionResponse {
  readonly version: string;
  readonly commit: string | null;
  readonly schema: number;
}
