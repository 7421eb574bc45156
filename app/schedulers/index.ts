export { SCHEDULER_NAMES, type Scheduler, type SchedulerName, type SchedulerStatus, type ProcessStatus, type DeployOptions } from './scheduler';
export { DockerLocalScheduler } from './docker-local-scheduler';
export { SwarmScheduler, serviceName } from './swarm-scheduler';
export { SchedulingDeployer, type SchedulingOptions } from './scheduling-deployer';
export { schedulerOperations } from './scheduler-operations';
export { SchedulersService, type SchedulerReport } from './schedulers-service';
export { parsePlacement, parseNodeLabels } from './placement';
export { SwarmSetup, type SwarmInitResult } from './swarm-setup';
