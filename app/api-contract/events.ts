/** One audit event. */
export interface EventView {
  readonly id: number;
  readonly app: string | null;
  readonly kind: string;
  readonly message: string;
  readonly user: string | null;
  /** api, cli, git, dashboard or ssh; null when berth did it itself. */
  readonly source?: string | null;
  readonly at: string;
}

/** `GET /api/v1/events?app=&limit=` */
export interface EventsListResponse {
  readonly events: readonly EventView[];
}
