export { LogsService, type LogsServiceDeps, type RecentOptions, type FollowOptions } from './logs-service';
export { LogArchive, type LogArchiveOptions } from './log-archive';
export { formatEntry, normalizeTime, tagOf, LineSplitter, type LogEntry, type LogFilter } from './log-entry';
