export { Deployer, runningTypes, type DeployerDeps, type Log } from './deployer';
export { LABEL, imageRepo, slotOf } from './container-labels';
export { DEFAULT_HEALTH_CHECK, waitHealthy, type HealthCheckSpec } from './health-check';
export { AppRuntime } from './app-runtime';
