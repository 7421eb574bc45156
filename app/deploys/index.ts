export { Deployer, runningTypes, type DeployerDeps, type Log } from './deployer';
export { LABEL, imageRepo, slotOf } from '../naming/container-names';
export { tryCheck, waitPassing, describeCheck, type CheckTarget } from './health-check';
export { AppRuntime } from './app-runtime';
export { step, hookStep, runPipeline, type Step, type HookRunner, type PipelineRun } from './pipeline';
export {
  SCHEDULER_NAMES, type Scheduler, type SchedulerName, type SchedulerStatus, type ProcessStatus, type DeployOptions,
  type StartedRelease, type StepContext,
} from './scheduler';
export { SchedulerRegistry } from './scheduler-registry';
export { ReleasePipeline, processSteps, type ReleaseProducer, type ReleaseRun, type BuiltImage, type DataSnapshotSteps } from './release-pipeline';
export { ChecksSettings, checksOff, type ChecksReport } from './checks-settings';
export { runChecksNow, type ChecksRun } from './checks-run';
export { DeployWatch, breachOf, type WatchBreach, type WatchSignals } from './deploy-watch';
export { DeployWatchSettings, WATCH_DEFAULTS, WATCH_SETTING_NAMES, parseWindow, watchSettingsOf, type WatchSettings } from './deploy-watch-settings';
