import { parseExpression } from 'cron-parser';

/**
 * Checks 5-field cron expressions (minute hour day-of-month month day-of-week) with cron-parser,
 * the parser BullMQ's job schedulers run them with, so what passes here is what BullMQ runs.
 */

/** dokku/cron's macros, as 5-field expressions (cron-parser knows only some of them). */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

/** The expression in 5-field form (macros such as `@daily` expanded). Throws an Error saying what is wrong. */
export function normalizeSchedule(schedule: string): string {
  const trimmed = schedule.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  // cron-parser also takes 6 fields (seconds first) and an empty text (every minute): berth's
  // schedules are cron's 5 fields, so the count is checked here first.
  const parts = expanded === '' ? [] : expanded.split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(`"${schedule}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; a schedule has 5: minute hour day-of-month month day-of-week`);
  }
  try {
    parseExpression(parts.join(' '));
  } catch (e) {
    throw new Error(`"${schedule}" is not a valid schedule (minute hour day-of-month month day-of-week): ${(e as Error).message}`);
  }
  return parts.join(' ');
}
