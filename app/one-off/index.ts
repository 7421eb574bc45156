export { OneOffRunner, type OneOffRunnerDeps, type OneOffRun } from './one-off-runner';
export { DeployScripts } from './deploy-scripts';
export { FRAME, EXEC_UPGRADE, FRAMED_STDIN_HEADER, frame, exitFrame, errorFrame, FrameDecoder } from './frames';
