/** git:sync credentials, forge webhooks and their deliveries (app/forge). infra/sqlite implements it. */
import type { GitCredentials } from './remote-git';

export type ForgeProvider = 'github' | 'gitlab' | 'gitea';

export interface WebhookInfo {
  readonly provider: ForgeProvider;
  readonly createdAt: string;
}

export interface ForgeStore {
  /** The app's sync credentials (secret opened), or null. */
  credentials(app: string): GitCredentials | null;
  /** null removes them; the secret is sealed at rest like config values. */
  setCredentials(app: string, credentials: GitCredentials | null): boolean;
  /** The webhook's secret (opened), or null when the app has none for the provider. */
  webhookSecret(app: string, provider: ForgeProvider): string | null;
  webhooks(app: string): WebhookInfo[];
  /** false when the app has one for that provider already. */
  addWebhook(app: string, provider: ForgeProvider, secret: string): boolean;
  removeWebhook(app: string, provider: ForgeProvider): boolean;
  /** Records a delivery; false when it was recorded before (a replay). */
  markDelivery(app: string, provider: ForgeProvider, delivery: string): boolean;
  /** A delivery whose deploy could not even be queued: the forge may send it again. */
  forgetDelivery(app: string, provider: ForgeProvider, delivery: string): void;
}
