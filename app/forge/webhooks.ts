import crypto from 'node:crypto';
import { BerthError } from '../errors';
import type { AppsReader } from '../apps';
import type { EventsService } from '../events';
import type { ForgeProvider, ForgeStore, WebhookInfo } from '../ports/forge';
import type { GitSync } from './git-sync';
import { isProvider, readPushEvent, verifyDelivery, PROVIDERS } from './webhook-signature';

export type WebhookAnswer =
  | { readonly status: 'deploying'; readonly build: number; readonly commit: string }
  | { readonly status: 'ignored'; readonly reason: string };

const MAX_BODY = 1024 * 1024;
/** Refusals recorded per app and minute: anyone can send them, and the audit trail is not theirs to fill. */
const REFUSALS_PER_MINUTE = 10;

const unverified = (provider: string, app: string): BerthError =>
  new BerthError('WEBHOOK_UNVERIFIED', `This ${provider} delivery for ${app} is not signed with the app's webhook secret; nothing was deployed.`);

/**
 * Forge webhooks (`POST /hooks/<provider>/<app>`): a verified push to the app's deploy branch
 * syncs and deploys the pushed commit (GitSync); anything else is answered and left alone.
 */
export class Webhooks {
  private readonly refusals = new Map<string, { minute: number; count: number }>();

  constructor(private readonly deps: { store: Pick<{ forge: ForgeStore }, 'forge'>; apps: AppsReader; sync: GitSync; events: EventsService }) {}

  /** A new webhook's secret, shown once (stored sealed). */
  create(app: string, provider: unknown, user: string | null): { provider: ForgeProvider; secret: string } {
    this.requireApp(app);
    const p = this.provider(provider);
    const secret = crypto.randomBytes(24).toString('hex');
    if (!this.deps.store.forge.addWebhook(app, p, secret)) {
      throw new BerthError('WEBHOOK_EXISTS', `${app} has a ${p} webhook already; \`berth webhooks:remove ${app} ${p}\` first to get a new secret.`);
    }
    this.deps.events.record({ app, kind: 'webhook.changed', message: `${p} webhook created`, user });
    return { provider: p, secret };
  }

  list(app: string): WebhookInfo[] {
    this.requireApp(app);
    return this.deps.store.forge.webhooks(app);
  }

  remove(app: string, provider: unknown, user: string | null): void {
    this.requireApp(app);
    const p = this.provider(provider);
    if (!this.deps.store.forge.removeWebhook(app, p)) throw new BerthError('WEBHOOK_NOT_FOUND', `${app} has no ${p} webhook; \`berth webhooks:list ${app}\` shows them.`);
    this.deps.events.record({ app, kind: 'webhook.changed', message: `${p} webhook removed`, user });
  }

  /**
   * Before the body is read: a delivery for an app without a webhook for that forge is refused at
   * once (a stranger's body is never read, as on the API).
   */
  assertExpected(o: { provider: string; app: string; from: string | null }): void {
    const app = this.deps.apps.find(o.app);
    if (app && isProvider(o.provider) && this.deps.store.forge.webhookSecret(app.name, o.provider) !== null) return;
    this.refuse(app ? app.name : null, o);
  }

  /**
   * 401 to the sender. Recorded (webhook.refused) only for an app that exists and a forge berth
   * knows, named by berth's own spelling (the path's text never reaches the trail), at most
   * REFUSALS_PER_MINUTE per app: a stranger's deliveries for names that mean nothing leave no trace.
   */
  private refuse(app: string | null, o: { provider: string; app: string; from: string | null }): never {
    if (app !== null && isProvider(o.provider) && this.mayRecordRefusal(app)) {
      this.deps.events.record({
        app, kind: 'webhook.refused', user: null, source: 'webhook',
        message: `unverified ${o.provider} webhook for ${app} refused${o.from ? ` (from ${o.from})` : ''}`,
      });
    }
    throw unverified(o.provider.slice(0, 20), o.app.slice(0, 63));
  }

  private mayRecordRefusal(app: string): boolean {
    const minute = Math.floor(Date.now() / 60_000);
    const seen = this.refusals.get(app);
    const count = seen && seen.minute === minute ? seen.count + 1 : 1;
    this.refusals.set(app, { minute, count });
    return count <= REFUSALS_PER_MINUTE;
  }

  /** One delivery. Throws WEBHOOK_UNVERIFIED (401, logged) unless the forge's signature holds. */
  async receive(o: { provider: string; app: string; headers: Readonly<Record<string, string | string[] | undefined>>; body: Buffer; from: string | null }): Promise<WebhookAnswer> {
    const app = this.deps.apps.find(o.app);
    const secret = app && isProvider(o.provider) ? this.deps.store.forge.webhookSecret(app.name, o.provider) : null;
    // No app, no webhook, a wrong signature: one answer, so a stranger learns nothing about which apps exist.
    if (!app || !isProvider(o.provider) || secret === null || o.body.length > MAX_BODY || !verifyDelivery(o.provider, { secret, headers: o.headers, body: o.body })) {
      this.refuse(app ? app.name : null, o);
    }
    const provider = o.provider;
    let payload: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(o.body.toString('utf8'));
      payload = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : {};
    } catch {
      return this.ignored(app.name, provider, 'the body is not JSON (set the webhook\'s content type to application/json)');
    }
    const push = readPushEvent(provider, o.headers, payload);
    if (!push.isPush) return this.ignored(app.name, provider, `${push.event || 'this'} event is not a push`);
    if (push.ref !== `refs/heads/${app.deployBranch}`) return this.ignored(app.name, provider, `${push.ref ?? 'the push'} is not the deploy branch refs/heads/${app.deployBranch}`);
    if (!push.after || !/^[0-9a-f]{40}$/.test(push.after)) return this.ignored(app.name, provider, 'the push names no commit');
    if (/^0+$/.test(push.after)) return this.ignored(app.name, provider, 'the branch was deleted');
    // An app that fetches with a deploy key fetches over SSH; otherwise over HTTPS (with its token, if any).
    const url = this.deps.sync.credentialsOf(app.name)?.kind === 'key' ? push.sshUrl : push.cloneUrl;
    if (!url) return this.ignored(app.name, provider, 'the push names no repository URL');
    // Deduplicated by what the signature covers, the body: the delivery id header is not signed, so
    // a replay under a new id is the same delivery.
    const delivery = `sha256:${crypto.createHash('sha256').update(o.body).digest('hex')}`;
    if (!this.deps.store.forge.markDelivery(app.name, provider, delivery)) {
      return this.ignored(app.name, provider, `this delivery (${push.delivery ?? 'no id'}, the same signed body) was handled already`);
    }
    const user = `${provider} webhook`;
    this.deps.events.record({ app: app.name, kind: 'webhook.received', message: `${provider} push of ${push.after.slice(0, 7)} to ${app.deployBranch} (delivery ${delivery})`, user, source: 'webhook' });
    try {
      const result = await this.deps.events.withSource('webhook', () => this.deps.sync.sync({
        app: app.name, url, ref: app.deployBranch, commit: push.after!, requireHead: true, user,
      }));
      // A late or replayed delivery of an older push: deploying it would roll the app back.
      if (result.head !== undefined && result.head !== push.after) {
        return this.ignored(app.name, provider, `${push.after.slice(0, 7)} is not the head of ${app.deployBranch} (${result.head.slice(0, 7)} is): an older push deploys nothing`);
      }
      return { status: 'deploying', build: result.queued!.build.id, commit: result.commit };
    } catch (e) {
      // Nothing was queued: the forge's redelivery (or the next push) may try again.
      this.deps.store.forge.forgetDelivery(app.name, provider, delivery);
      throw e;
    }
  }

  private ignored(app: string, provider: string, reason: string): WebhookAnswer {
    this.deps.events.record({ app, kind: 'webhook.received', message: `${provider} delivery ignored: ${reason}`, user: `${provider} webhook`, source: 'webhook' });
    return { status: 'ignored', reason };
  }

  private provider(p: unknown): ForgeProvider {
    if (!isProvider(p)) throw new BerthError('INVALID_WEBHOOK_PROVIDER', `"${String(p).slice(0, 40)}" is not a forge berth knows: use ${PROVIDERS.join(', ')}.`);
    return p;
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
