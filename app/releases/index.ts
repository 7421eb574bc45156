export { ReleasesService, type RollbackPlan } from './releases-service';
export type { ReleasesReader, ReleasesWriter } from './releases-reader';
export { parseProcfile } from '../manifest';
