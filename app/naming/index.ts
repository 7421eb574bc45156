export { assertAppName, isAppName } from './app-name';
export { isProcessType, PROCESS_TYPE_PATTERN } from './process-type';
export { LABEL, containerName, newDeployId, imageRepo, slotOf } from './container-names';
export { rollbackSource, parseRollbackSource, type RollbackSource } from './rollback-source';
