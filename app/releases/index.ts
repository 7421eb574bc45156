export { ReleasesService } from './releases-service';
export { parseProcfile } from './procfile';
export { parseAppJson, EMPTY_APP_JSON, type AppJson, type CronEntry } from './app-json';
