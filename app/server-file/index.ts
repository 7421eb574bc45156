export { ServerFile, type ServerFileDeps, type SecretsMode, type ApplyResult, type Applier } from './server-file-service';
export { parseServerFile, MAX_FILE_BYTES } from './parse-server-file';
export { planChanges, type Change, type ChangeAction } from './plan';
export { Sealer, checkPassphrase } from './sealed-values';
export type { ServerDoc, AppSpec, SecretValue } from './document';
