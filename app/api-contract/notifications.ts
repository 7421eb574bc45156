/** A notification target as the API lists it: never its signing secret; a viewer's URL without path or query. */
export interface NotificationTargetView {
  readonly id: number;
  /** null: a global target (every app's events, and berth-wide ones). */
  readonly app: string | null;
  readonly type: 'webhook' | 'slack' | 'email';
  readonly url: string;
  readonly createdBy: string | null;
  readonly createdAt: string;
  /** never: nothing sent yet; retrying: the last attempt failed and the queue tries again; failed: it gave up. */
  readonly lastStatus: 'never' | 'delivered' | 'retrying' | 'failed';
  readonly lastAt: string | null;
  readonly lastEvent: string | null;
  readonly lastError: string | null;
  readonly delivered: number;
  readonly failed: number;
  /** Never in a target: a webhook's secret is answered once, beside it, when it is added. */
  readonly secret?: never;
}

/** The SMTP server email targets send through; its password never leaves the server. */
export interface SmtpView {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string | null;
  readonly from: string;
  readonly password?: never;
}

/** `GET /api/v1/apps/:app/notifications`, and `GET /api/v1/notifications` (global, with `smtp`). */
export interface NotificationsListResponse {
  readonly targets: readonly NotificationTargetView[];
  readonly smtp?: SmtpView | null;
}

/** `POST …/notifications` `{ url, type? }` */
export interface NotificationAddRequest {
  readonly url: string;
  readonly type?: string;
}

/** The target added, and a webhook's signing secret (shown this once; null for Slack and email). */
export interface NotificationAddResponse {
  readonly target: NotificationTargetView;
  readonly secret: string | null;
}

/** `POST …/notifications/:id/test` (202): the delivery queued. */
export interface NotificationTestResponse {
  readonly delivery: string;
}

/** `POST /api/v1/notifications/smtp` `{ url: "smtp://user@host:587", from, password? }` */
export interface SmtpRequest {
  readonly url: string;
  readonly from: unknown;
  readonly password?: string;
}

export interface SmtpResponse {
  readonly smtp: SmtpView;
}
