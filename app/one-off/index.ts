export { OneOffRunner, type OneOffRunnerDeps, type OneOffRun } from './one-off-runner';
export { DeployScripts } from './deploy-scripts';
export { FRAME, EXEC_UPGRADE, frame, exitFrame, errorFrame, FrameDecoder } from './frames';
