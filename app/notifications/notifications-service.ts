import crypto from 'node:crypto';
import { BerthError } from '../errors';
import type { AppsReader } from '../apps';
import type { EventsService } from '../events';
import type {
  NotificationDelivery, NotificationQueue, NotificationSenders, NotificationTargetRecord, NotificationsStore, SmtpSettings,
} from '../ports/notifications';
import type { NotificationEvent } from './notification-events';
import { emailMessage, slackRequest, webhookRequest } from './render';
import { checkTargetAddresses, parseTarget, type AddressRules } from './target-url';
import { parseSmtp } from './smtp-settings';

export interface NotificationsDeps {
  readonly store: { readonly notifications: NotificationsStore };
  readonly apps: AppsReader;
  readonly events: EventsService;
  readonly queue: NotificationQueue<NotificationEvent>;
  readonly senders: NotificationSenders;
  readonly rules: AddressRules;
  readonly resolve: (host: string) => Promise<readonly string[]>;
  /** Told when a notification could not even be queued (Redis down): it never reaches the caller. */
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** A target as an answer: never its secret; `url` as the caller may see it. */
export type TargetView = Omit<NotificationTargetRecord, 'secret'>;

/**
 * The one way berth alerts people: targets (per app or global; webhook, Slack, email), the events
 * modules hand to `notify`, and their delivery through the queue with retries. `notify` only
 * queues: a receiver that is slow or down never fails or slows whoever noticed the event.
 */
export class NotificationsService {
  constructor(private readonly deps: NotificationsDeps) {}

  /**
   * Adds a target. A webhook gets a fresh signing secret, answered here once and never again.
   * The URL is refused when it is not http(s)/mailto (INVALID_NOTIFICATION_TARGET) or reaches
   * berth itself, link-local or metadata addresses (NOTIFICATION_TARGET_FORBIDDEN).
   */
  async add(input: { app: string | null; url: unknown; type?: unknown }, user: string | null): Promise<{ target: TargetView; secret: string | null }> {
    if (input.app !== null) this.requireApp(input.app);
    const parsed = parseTarget(input.url, input.type);
    await checkTargetAddresses(parsed.url, this.deps.rules, this.deps.resolve);
    const secret = parsed.type === 'webhook' ? crypto.randomBytes(32).toString('hex') : null;
    const target = this.deps.store.notifications.add({ app: input.app, type: parsed.type, url: parsed.url, secret, createdBy: user });
    this.deps.events.record({ app: input.app, kind: 'config.changed', message: `notifications:add ${parsed.type} target ${target.id}`, user });
    return { target: withoutSecret(target), secret };
  }

  list(app: string | null): TargetView[] {
    if (app !== null) this.requireApp(app);
    return this.deps.store.notifications.list(app).map(withoutSecret);
  }

  remove(app: string | null, id: number, user: string | null): void {
    this.targetOf(app, id);
    this.deps.store.notifications.remove(id);
    this.deps.events.record({ app, kind: 'config.changed', message: `notifications:remove target ${id}`, user });
  }

  /** Queues a test notification to one target; its delivery shows in the target's status. */
  async test(app: string | null, id: number, user: string | null): Promise<{ delivery: string }> {
    const target = this.targetOf(app, id);
    const delivery = deliveryId();
    await this.deps.queue.enqueue({ id: delivery, targetId: target.id, event: { kind: 'notification.test', app, user } });
    return { delivery };
  }

  /**
   * Tells every target of the event's app, and every global one. Returns at once: queueing runs
   * in the background and a failure to queue is only logged.
   */
  notify(event: NotificationEvent): void {
    void this.queueAll(event).catch((e: unknown) => this.deps.log(`notifications: could not queue ${event.kind}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** The same, awaited (tests, and callers that have nothing else to do). */
  async queueAll(event: NotificationEvent): Promise<number> {
    const { notifications } = this.deps.store;
    const targets = [...(event.app ? notifications.list(event.app) : []), ...notifications.list(null)];
    for (const t of targets) await this.deps.queue.enqueue({ id: deliveryId(), targetId: t.id, event });
    return targets.length;
  }

  /** The worker role delivers (web-only processes only queue). */
  startWorker(): Promise<void> {
    return this.deps.queue.startWorker(this.deliver);
  }

  /** Deliveries waiting, delayed for a retry or being sent. */
  pending(): Promise<number> {
    return this.deps.queue.pending();
  }

  smtp(): Omit<SmtpSettings, 'password'> | null {
    const s = this.deps.store.notifications.smtp();
    if (!s) return null;
    const { password: _password, ...shown } = s;
    return shown;
  }

  /** `notifications:smtp <smtp(s)://[user@]host[:port]> --from <address>`, the password sealed like config values. */
  setSmtp(input: { url: unknown; from: unknown; password?: unknown }, user: string | null): Omit<SmtpSettings, 'password'> {
    this.deps.store.notifications.setSmtp(parseSmtp(input));
    this.deps.events.record({ app: null, kind: 'config.changed', message: 'notifications:smtp set', user });
    return this.smtp()!;
  }

  /** The worker's side: sends one delivery, records the outcome, and throws so the queue retries. */
  readonly deliver = async (d: NotificationDelivery<NotificationEvent>, attempt: { number: number; final: boolean }): Promise<void> => {
    const { notifications } = this.deps.store;
    const target = notifications.get(d.targetId);
    if (!target) return; // removed meanwhile: nothing to tell
    try {
      await this.send(target, d);
      notifications.recordAttempt(target.id, { status: 'delivered', event: d.event.kind, error: null });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      notifications.recordAttempt(target.id, { status: attempt.final ? 'failed' : 'retrying', event: d.event.kind, error: `attempt ${attempt.number}: ${error}` });
      throw e;
    }
  };

  private async send(target: NotificationTargetRecord, d: NotificationDelivery<NotificationEvent>): Promise<void> {
    const { senders } = this.deps;
    if (target.type === 'email') {
      const smtp = this.deps.store.notifications.smtp();
      if (!smtp) throw new BerthError('SMTP_NOT_CONFIGURED', 'berth has no SMTP settings; an admin sets them with `berth notifications:smtp`.');
      await senders.sendMail(smtp, { to: target.url.slice('mailto:'.length).split(','), ...emailMessage(d.event) });
      return;
    }
    // Checked again at send time: the name may point elsewhere now (the sender checks each connect too).
    await checkTargetAddresses(target.url, this.deps.rules, this.deps.resolve);
    const request = target.type === 'slack'
      ? slackRequest(d.event)
      : webhookRequest(d.event, { deliveryId: d.id, secret: target.secret ?? '', at: (this.deps.now?.() ?? new Date()).toISOString() });
    await senders.post(target.url, request.body, request.headers);
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }

  /** The target with that id of this app (or of the global ones): ids of other apps' targets are not found. */
  private targetOf(app: string | null, id: number): NotificationTargetRecord {
    if (app !== null) this.requireApp(app);
    const target = Number.isInteger(id) ? this.deps.store.notifications.get(id) : null;
    if (!target || target.app !== app) {
      throw new BerthError('NOTIFICATION_NOT_FOUND', `${app ? `${app} has` : 'berth has'} no notification target ${id}; \`berth notifications:list ${app ?? '--global'}\` shows them.`);
    }
    return target;
  }
}

function withoutSecret(t: NotificationTargetRecord): TargetView {
  const { secret: _secret, ...view } = t;
  return view;
}

/** Names a delivery across its retries (the receiver's dedupe key, X-Berth-Delivery). */
function deliveryId(): string {
  return crypto.randomUUID();
}
