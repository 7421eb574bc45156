export { ConfigVarsService, type ConfigChange } from './config-vars-service';
export { assertConfigKey } from './config-key';
export { configDiff, describeDiff, type ConfigDiff } from './config-diff';
export type { ConfigReader, ConfigRestorer } from './config-reader';
