export { Deployer, runningTypes, type DeployerDeps, type Log } from './deployer';
export { LABEL, imageRepo, slotOf } from './container-labels';
export { tryCheck, waitPassing, describeCheck, type CheckTarget } from './health-check';
export { AppRuntime } from './app-runtime';
