export { parseAppJson, MAX_APP_CONTAINERS } from './app-json';
export { parseProcfile } from './procfile';
export { readSourceManifest, EMPTY_SOURCE_MANIFEST, type SourceManifest } from './source-manifest';
export {
  EMPTY_MANIFEST, DEFAULT_WEB_CHECK, gatingChecks, livenessChecks,
  type AppManifest, type HealthCheck, type CheckType, type CronEntry,
} from './manifest';
export { parseReviewEnvironment, NO_REVIEW_ENVIRONMENT, type ReviewEnvironment, type ReviewServicesPolicy } from './review-environment';
