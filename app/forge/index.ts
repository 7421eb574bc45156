/** Deploying from a forge: git:sync (fetch a remote repo and deploy a commit), forge webhooks, their credentials. */
export { GitSync, syncSource, type SyncRequest, type SyncResult } from './git-sync';
export { Webhooks, type WebhookAnswer } from './webhooks';
export { checkRemoteUrl, type OwnEndpoints, type RemoteUrl } from './remote-url';
export { verifyDelivery, readPushEvent, PROVIDERS } from './webhook-signature';
