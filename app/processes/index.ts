export { ProcessesService, type ProcessesServiceDeps } from './processes-service';
export { ProcessOperations, PROCESS_JOB_KINDS } from './process-operations';
export { Reconciler, type ReconcilerDeps, type PassSummary } from './reconciler';
export { LivenessMonitor, type LivenessMonitorDeps } from './liveness-monitor';
export { converge, type ConvergeOptions } from './converge';
export { parseScaleWords, validateScale, validateRestartPolicy, parseMemory, parseCpus, MAX_SCALE } from './formation';
export type { AppProcessReport, ProcessReport, ContainerReport, AppliedLimits } from './process-report';
export { appliedLimits } from './process-report';
export { statusWord, failedDeployOf, APP_STATUS_WORDS, type AppStatusWord, type CrashReport, type FailedDeploy } from './app-status';
