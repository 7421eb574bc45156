import type Database from 'better-sqlite3';
import type { DeliveryStatus, NotificationTargetRecord, NotificationTargetType, NotificationsStore, SmtpSettings } from '../../ports/notifications';
import { now } from './clock';
import type { SecretBox } from './secret-box';

type Row = {
  id: number; app: string | null; type: string; url: string; secret: string | null; created_by: string | null; created_at: string;
  last_status: string; last_at: string | null; last_event: string | null; last_error: string | null; delivered: number; failed: number;
};

/** Notification targets (URL and secret sealed: a Slack URL is itself the key to the channel) and SMTP settings (password sealed). */
export function sqliteNotificationsStore(db: Database.Database, box: SecretBox): NotificationsStore {
  const toRecord = (r: Row): NotificationTargetRecord => ({
    id: r.id, app: r.app, type: r.type as NotificationTargetType, url: box.open(r.url), secret: r.secret === null ? null : box.open(r.secret),
    createdBy: r.created_by, createdAt: r.created_at, lastStatus: r.last_status as DeliveryStatus, lastAt: r.last_at,
    lastEvent: r.last_event, lastError: r.last_error, delivered: r.delivered, failed: r.failed,
  });
  const get = (id: number) => {
    const row = db.prepare<[number], Row>('SELECT * FROM notification_targets WHERE id = ?').get(id);
    return row ? toRecord(row) : null;
  };
  return {
    add(t) {
      const info = db.prepare('INSERT INTO notification_targets (app, type, url, secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(t.app, t.type, box.seal(t.url), t.secret === null ? null : box.seal(t.secret), t.createdBy, now());
      return get(Number(info.lastInsertRowid))!;
    },
    get,
    list(app) {
      const rows = app === null
        ? db.prepare<[], Row>('SELECT * FROM notification_targets WHERE app IS NULL ORDER BY id').all()
        : db.prepare<[string], Row>('SELECT * FROM notification_targets WHERE app = ? ORDER BY id').all(app);
      return rows.map(toRecord);
    },
    remove(id) {
      return db.prepare('DELETE FROM notification_targets WHERE id = ?').run(id).changes > 0;
    },
    recordAttempt(id, a) {
      db.prepare(`UPDATE notification_targets SET last_status = ?, last_at = ?, last_event = ?, last_error = ?,
                  delivered = delivered + ?, failed = failed + ? WHERE id = ?`)
        .run(a.status, now(), a.event, a.error, a.status === 'delivered' ? 1 : 0, a.status === 'failed' ? 1 : 0, id);
    },
    smtp() {
      const row = db.prepare<[], { value: string }>("SELECT value FROM notification_settings WHERE key = 'smtp'").get();
      return row ? (JSON.parse(box.open(row.value)) as SmtpSettings) : null;
    },
    setSmtp(settings) {
      if (settings === null) { db.prepare("DELETE FROM notification_settings WHERE key = 'smtp'").run(); return; }
      db.prepare(`INSERT INTO notification_settings (key, value) VALUES ('smtp', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
        .run(box.seal(JSON.stringify(settings)));
    },
  };
}
