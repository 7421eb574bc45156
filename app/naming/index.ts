export { assertAppName, isAppName } from './app-name';
export { rollbackSource, parseRollbackSource, type RollbackSource } from './rollback-source';
