export { LogDrainer, type LogDrainerDeps } from './log-drainer';
export { LogDrainsService, MAX_DRAINS, type LogDrainView } from './log-drains-service';
export { DrainSink, type DrainStatus } from './drain-sink';
export { parseDrainUrl, checkDrainAddress, portOf, shownUrl } from './drain-url';
