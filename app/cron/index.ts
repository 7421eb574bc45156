export { CronService } from './cron-service';
export { normalizeSchedule } from '../manifest/cron-schedule';
