/** The shapes the REST API returns, as far as the CLI reads them. */

export interface AppSummary {
  name: string;
  createdAt: string;
  deployBranch: string;
  builder: string | null;
  buildpack: string | null;
  restartPolicy: string;
  memoryMb: number | null;
  cpus: number | null;
  /** running, degraded, crashing, deploying, failed (last deploy), stopped or not deployed (older servers leave it out). */
  status?: string;
}

export interface AppDetail extends AppSummary {
  currentRelease: number | { version: number } | null;
  /** apps:lock (older servers leave it out). */
  locked?: boolean;
  domains: string[];
  url: string | null;
}

export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | string;

export interface BuildRecord {
  id: number;
  app?: string;
  kind: string;
  status: BuildStatus;
  source: string | null;
  /** What it does, in one line ("push 1a2b3c4", "config change", "rollback v3"). */
  description?: string;
  user: string | null;
  error: string | null;
  releaseVersion: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ReleaseRecord {
  version: number;
  image: string;
  gitSha: string | null;
  description: string;
  user: string | null;
  createdAt: string;
  current: boolean;
  processes: Record<string, unknown>;
  config: Record<string, string>;
}

export interface EventRecord {
  id: number;
  app: string | null;
  kind: string;
  message: string;
  user: string | null;
  /** api, cli, git, dashboard or ssh; null when berth did it itself. */
  source?: string | null;
  at: string;
}

/** What the verbs that queue a build get back. */
export interface QueuedBuild {
  build: BuildRecord;
  ahead?: number;
}
