export { ReleasesService, type RollbackPlan } from './releases-service';
export { parseProcfile } from '../manifest';
