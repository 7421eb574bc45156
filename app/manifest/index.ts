export { parseAppJson, MAX_APP_CONTAINERS } from './app-json';
export {
  EMPTY_MANIFEST, DEFAULT_WEB_CHECK, gatingChecks, livenessChecks,
  type AppManifest, type HealthCheck, type CheckType, type CronEntry,
} from './manifest';
