export { SCHEDULER_NAMES, type Scheduler, type SchedulerName, type SchedulerStatus, type ProcessStatus, type DeployOptions } from '../deploys/scheduler';
export { DockerLocalScheduler } from './docker-local-scheduler';
export { SwarmScheduler, serviceName, type SwarmSchedulerDeps } from './swarm-scheduler';
export { SchedulersService, type SchedulerReport } from './schedulers-service';
export { parsePlacement, parseNodeLabels } from './placement';
export { SwarmSetup, type SwarmInitResult, type SwarmAddNode } from './swarm-setup';
export { SwarmNodeOps } from './swarm-node-ops';
export { SwarmWatcher } from './swarm-watcher';
