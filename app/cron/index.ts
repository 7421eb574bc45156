export { CronService } from './cron-service';
export { normalizeSchedule } from './schedule';
