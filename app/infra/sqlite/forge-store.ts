import type Database from 'better-sqlite3';
import type { ForgeProvider, ForgeStore, WebhookInfo } from '../../ports/forge';
import type { GitCredentials } from '../../ports/remote-git';
import { now } from './clock';
import type { SecretBox } from './secret-box';

/** git:sync credentials and forge webhooks; secrets sealed with the secret box like config values. */
export function sqliteForgeStore(db: Database.Database, box: SecretBox): ForgeStore {
  type CredRow = { kind: string; username: string | null; secret: string };
  return {
    credentials(app) {
      const row = db.prepare<[string], CredRow>('SELECT kind, username, secret FROM git_credentials WHERE app = ?').get(app);
      if (!row) return null;
      const secret = box.open(row.secret);
      return row.kind === 'key' ? { kind: 'key', secret } : { kind: 'token', username: row.username ?? '', secret } satisfies GitCredentials;
    },
    setCredentials(app, c) {
      if (c === null) return db.prepare('DELETE FROM git_credentials WHERE app = ?').run(app).changes > 0;
      db.prepare(`INSERT INTO git_credentials (app, kind, username, secret, updated_at) VALUES (?, ?, ?, ?, ?)
                  ON CONFLICT(app) DO UPDATE SET kind = excluded.kind, username = excluded.username, secret = excluded.secret, updated_at = excluded.updated_at`)
        .run(app, c.kind, c.kind === 'token' ? c.username : null, box.seal(c.secret), now());
      return true;
    },
    webhookSecret(app, provider) {
      const row = db.prepare<[string, string], { secret: string }>('SELECT secret FROM webhooks WHERE app = ? AND provider = ?').get(app, provider);
      return row ? box.open(row.secret) : null;
    },
    webhooks(app) {
      return db.prepare<[string], WebhookInfo>('SELECT provider, created_at AS createdAt FROM webhooks WHERE app = ? ORDER BY provider').all(app);
    },
    addWebhook(app, provider, secret) {
      return db.prepare('INSERT INTO webhooks (app, provider, secret, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(app, provider, box.seal(secret), now()).changes > 0;
    },
    removeWebhook(app, provider: ForgeProvider) {
      return db.prepare('DELETE FROM webhooks WHERE app = ? AND provider = ?').run(app, provider).changes > 0;
    },
    markDelivery(app, provider, delivery) {
      return db.prepare('INSERT INTO webhook_deliveries (app, provider, delivery, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(app, provider, delivery, now()).changes > 0;
    },
    forgetDelivery(app, provider, delivery) {
      db.prepare('DELETE FROM webhook_deliveries WHERE app = ? AND provider = ? AND delivery = ?').run(app, provider, delivery);
    },
  };
}
