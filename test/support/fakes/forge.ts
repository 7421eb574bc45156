import type { ForgeProvider, ForgeStore, WebhookInfo } from '../../../app/ports/forge';
import type { GitCredentials } from '../../../app/ports/remote-git';

interface Hook { readonly app: string; readonly provider: ForgeProvider; readonly secret: string; readonly createdAt: string }

/**
 * The forge port in memory, for unit tests, as infra/sqlite keeps it (secrets are not sealed here):
 * one webhook per app and provider, deliveries seen per app and provider, every row refused for a
 * missing app, following its rename and going with it. The apps it knows are the test's
 * (addApp/renameApp/removeApp). test/conformance/forge.ts holds it and SQLite's to one contract.
 */
export class InMemoryForge implements ForgeStore {
  private readonly apps = new Set<string>();
  private creds = new Map<string, GitCredentials>();
  private hooks: Hook[] = [];
  private deliveries: { app: string; provider: ForgeProvider; delivery: string }[] = [];

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.creds = new Map([...this.creds].map(([app, c]) => [app === from ? to : app, c]));
    this.hooks = this.hooks.map((h) => (h.app === from ? { ...h, app: to } : h));
    this.deliveries = this.deliveries.map((d) => (d.app === from ? { ...d, app: to } : d));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.creds.delete(name);
    this.hooks = this.hooks.filter((h) => h.app !== name);
    this.deliveries = this.deliveries.filter((d) => d.app !== name);
  }

  credentials(app: string): GitCredentials | null {
    const c = this.creds.get(app);
    return c ? { ...c } : null;
  }

  setCredentials(app: string, c: GitCredentials | null): boolean {
    if (c === null) return this.creds.delete(app);
    this.known(app);
    this.creds.set(app, c.kind === 'key' ? { kind: 'key', secret: c.secret } : { kind: 'token', username: c.username, secret: c.secret });
    return true;
  }

  webhookSecret(app: string, provider: ForgeProvider): string | null {
    return this.hooks.find((h) => h.app === app && h.provider === provider)?.secret ?? null;
  }

  webhooks(app: string): WebhookInfo[] {
    return this.hooks.filter((h) => h.app === app).sort((a, b) => (a.provider < b.provider ? -1 : 1))
      .map((h) => ({ provider: h.provider, createdAt: h.createdAt }));
  }

  addWebhook(app: string, provider: ForgeProvider, secret: string): boolean {
    this.known(app);
    if (this.webhookSecret(app, provider) !== null) return false;
    this.hooks.push({ app, provider, secret, createdAt: new Date().toISOString() });
    return true;
  }

  removeWebhook(app: string, provider: ForgeProvider): boolean {
    const before = this.hooks.length;
    this.hooks = this.hooks.filter((h) => !(h.app === app && h.provider === provider));
    return this.hooks.length < before;
  }

  markDelivery(app: string, provider: ForgeProvider, delivery: string): boolean {
    this.known(app);
    if (this.deliveries.some((d) => d.app === app && d.provider === provider && d.delivery === delivery)) return false;
    this.deliveries.push({ app, provider, delivery });
    return true;
  }

  forgetDelivery(app: string, provider: ForgeProvider, delivery: string): void {
    this.deliveries = this.deliveries.filter((d) => !(d.app === app && d.provider === provider && d.delivery === delivery));
  }

  /** Throws as SQLite's foreign key does for a row of a missing app. */
  private known(app: string): void {
    if (!this.apps.has(app)) throw new Error('FOREIGN KEY constraint failed');
  }
}
