/** Notification targets and their delivery state (owned by app/notifications). */
export type NotificationTargetType = 'webhook' | 'slack' | 'email';

/** never: nothing sent yet; retrying: the last attempt failed and the queue tries again; failed: it gave up. */
export type DeliveryStatus = 'never' | 'delivered' | 'retrying' | 'failed';

export interface NotificationTargetRecord {
  readonly id: number;
  /** null: a global target (every app's events, and berth-wide ones). */
  readonly app: string | null;
  readonly type: NotificationTargetType;
  /** The webhook URL or `mailto:` recipients (sealed at rest: a Slack URL is its own secret). */
  readonly url: string;
  /** The HMAC-SHA256 key a webhook's body is signed with (sealed at rest); null for Slack and email. */
  readonly secret: string | null;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly lastStatus: DeliveryStatus;
  readonly lastAt: string | null;
  /** The event kind of the last attempt. */
  readonly lastEvent: string | null;
  readonly lastError: string | null;
  readonly delivered: number;
  readonly failed: number;
}

/** SMTP settings for email targets; the password is sealed at rest. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (smtps, port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string | null;
  readonly password: string | null;
  readonly from: string;
}

export interface NotificationsStore {
  add(t: { app: string | null; type: NotificationTargetType; url: string; secret: string | null; createdBy: string | null }): NotificationTargetRecord;
  get(id: number): NotificationTargetRecord | null;
  /** One app's targets, or (null) the global ones. */
  list(app: string | null): NotificationTargetRecord[];
  remove(id: number): boolean;
  /** The outcome of one delivery attempt. */
  recordAttempt(id: number, attempt: { status: Exclude<DeliveryStatus, 'never'>; event: string; error: string | null }): void;
  smtp(): SmtpSettings | null;
  setSmtp(settings: SmtpSettings | null): void;
}

/** One delivery: a target and what to tell it; `id` names it across retries (the receiver's dedupe key). */
export interface NotificationDelivery<E> {
  readonly id: string;
  readonly targetId: number;
  readonly event: E;
}

/** Retries with exponential backoff happen in the queue; the handler throws to ask for one. */
export interface NotificationQueue<E> {
  enqueue(delivery: NotificationDelivery<E>): Promise<void>;
  /** `final`: no retry follows if this attempt throws. */
  startWorker(handler: (delivery: NotificationDelivery<E>, attempt: { number: number; final: boolean }) => Promise<void>): Promise<void>;
  /** Deliveries waiting, delayed for a retry or running. */
  pending(): Promise<number>;
  close(): Promise<void>;
}

/** The wire: an HTTP POST (refusing addresses the rules forbid, at connect time) and an SMTP send. */
export interface NotificationSenders {
  /** Resolves when the receiver answered 2xx; throws with what went wrong otherwise. */
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<void>;
  sendMail(smtp: SmtpSettings, mail: { to: readonly string[]; subject: string; text: string; html: string }): Promise<void>;
}
