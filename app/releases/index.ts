export { ReleasesService } from './releases-service';
export { parseProcfile } from '../manifest';
