import type { QueuedBuild } from './builds';

/** A plugin as `plugins:list` shows it: built in, installed or refused (with why). */
export interface PluginView {
  readonly id: string;
  readonly version: string | null;
  readonly status: 'loaded' | 'disabled' | 'refused';
  readonly origin: 'builtin' | 'installed' | 'path';
  readonly dir: string;
  readonly service: boolean;
  readonly description: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** `GET /api/v1/plugins` */
export interface PluginsListResponse {
  readonly plugins: readonly PluginView[];
}

/** `POST /api/v1/plugins` (install) and `POST /api/v1/plugins/:id/enable|disable` */
export interface PluginResponse {
  readonly plugin: PluginView;
}

/** A CLI verb a plugin adds, and the plugin route it calls. */
export interface PluginVerbView {
  readonly plugin: string;
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
}

/** `GET /api/v1/plugins/verbs` */
export interface PluginVerbsResponse {
  readonly verbs: readonly PluginVerbView[];
}

/** A private registry login: never its password. */
export interface RegistryLoginView {
  readonly server: string;
  readonly username: string;
}

/** `GET /api/v1/registry/logins` and `DELETE /api/v1/registry/logins/:server` */
export interface RegistryLoginsResponse {
  readonly logins: readonly RegistryLoginView[];
}

/** `POST /api/v1/registry/logins` */
export interface RegistryLoginRequest {
  readonly server: string;
  readonly username: string;
  readonly password: string;
}

/** `POST /api/v1/registry/logins` */
export interface RegistryLoginResponse {
  readonly login: RegistryLoginView;
}

/** `POST /api/v1/apps/:app/git-sync`: the commit fetched, and its build unless nothing changed. */
export interface GitSyncResponse {
  readonly commit: string;
  readonly repository: string;
  readonly build: QueuedBuild['build'] | null;
  readonly ahead: number;
}

/** How berth fetches an app's repository: never the secret. */
export interface GitAuthView {
  readonly kind: 'token' | 'key';
  readonly username: string | null;
}

/** `GET|POST|DELETE /api/v1/apps/:app/git-auth` */
export interface GitAuthResponse {
  readonly auth: GitAuthView | null;
}

/** A forge webhook of an app, with the URL to give the forge. */
export interface WebhookView {
  readonly provider: string;
  readonly url: string;
  readonly createdAt: string;
}

/** `GET /api/v1/apps/:app/webhooks` */
export interface WebhooksListResponse {
  readonly webhooks: readonly WebhookView[];
}

/** `POST /api/v1/apps/:app/webhooks`: the secret, shown this once. */
export interface WebhookCreatedResponse {
  readonly webhook: { readonly provider: string; readonly url: string; readonly secret: string };
}

/** `DELETE /api/v1/apps/:app/webhooks/:provider` */
export interface WebhookRemovedResponse {
  readonly removed: string;
}

/** An app's nginx settings, and every key `nginx:set` takes with its format and default. */
export interface NginxSettingsView {
  readonly app: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly known: Readonly<Record<string, string>>;
}

/** `GET|PATCH /api/v1/apps/:app/nginx` */
export interface NginxResponse {
  readonly nginx: NginxSettingsView;
}

/** `GET /api/v1/apps/:app/nginx/config`: the server block berth generated, or null before a deploy. */
export interface NginxConfigResponse {
  readonly config: string | null;
}
