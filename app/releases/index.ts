export { ReleasesService, type RollbackPlan } from './releases-service';
export type { ReleasesReader } from './releases-reader';
export { parseProcfile } from '../manifest';
