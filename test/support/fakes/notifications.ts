import type { DeliveryStatus, NotificationTargetRecord, NotificationsStore, SmtpSettings } from '../../../app/ports/notifications';

/**
 * The NotificationsStore port in memory, for unit tests, as infra/sqlite keeps it (less the sealing
 * at rest): ids never reused, targets in the order added, an app's targets refused for a missing app,
 * following its rename and going with it; delivery counts per attempt; one SMTP setting. The apps it
 * knows are the test's (addApp/renameApp/removeApp). test/conformance/notifications.ts holds it and
 * SQLite's to one contract.
 */
export class InMemoryNotifications implements NotificationsStore {
  private readonly apps = new Set<string>();
  private targets: NotificationTargetRecord[] = [];
  private lastId = 0;
  private smtpSettings: SmtpSettings | null = null;

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.targets = this.targets.map((t) => (t.app === from ? { ...t, app: to } : t));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.targets = this.targets.filter((t) => t.app !== name);
  }

  add(t: Parameters<NotificationsStore['add']>[0]): NotificationTargetRecord {
    if (t.app !== null && !this.apps.has(t.app)) throw new Error('FOREIGN KEY constraint failed');
    this.lastId += 1;
    const target: NotificationTargetRecord = {
      id: this.lastId, app: t.app, type: t.type, url: t.url, secret: t.secret, createdBy: t.createdBy, createdAt: new Date().toISOString(),
      lastStatus: 'never', lastAt: null, lastEvent: null, lastError: null, delivered: 0, failed: 0,
    };
    this.targets.push(target);
    return { ...target };
  }

  get(id: number): NotificationTargetRecord | null {
    const t = this.targets.find((x) => x.id === id);
    return t ? { ...t } : null;
  }

  list(app: string | null): NotificationTargetRecord[] {
    return this.targets.filter((t) => t.app === app).map((t) => ({ ...t }));
  }

  remove(id: number): boolean {
    const before = this.targets.length;
    this.targets = this.targets.filter((t) => t.id !== id);
    return this.targets.length < before;
  }

  recordAttempt(id: number, a: { status: Exclude<DeliveryStatus, 'never'>; event: string; error: string | null }): void {
    this.targets = this.targets.map((t) => (t.id !== id ? t : {
      ...t, lastStatus: a.status, lastAt: new Date().toISOString(), lastEvent: a.event, lastError: a.error,
      delivered: t.delivered + (a.status === 'delivered' ? 1 : 0), failed: t.failed + (a.status === 'failed' ? 1 : 0),
    }));
  }

  smtp(): SmtpSettings | null { return this.smtpSettings ? { ...this.smtpSettings } : null; }

  setSmtp(settings: SmtpSettings | null): void { this.smtpSettings = settings ? { ...settings } : null; }
}
