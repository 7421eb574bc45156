/** Checks 5-field cron expressions (minute hour day-of-month month day-of-week), as cron and BullMQ read them. */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

function valueOf(text: string, field: Field): number | null {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : null;
}

/** Why one field is wrong, or null when it is fine. */
function fieldProblem(text: string, field: Field): string | null {
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a valid ${field.name}`;
    if (m[2] !== undefined && Number(m[2]) < 1) return `step "/${m[2]}" in the ${field.name} must be 1 or more`;
    if (m[1] === '*') continue;
    const range = m[1].split('-');
    if (range.length > 2) return `"${m[1]}" is not a valid ${field.name} range`;
    const values = range.map((r) => valueOf(r, field));
    if (values.some((v) => v === null)) return `"${m[1]}" is not a ${field.name} (${field.min}–${field.max})`;
    if (values.length === 2 && values[0]! > values[1]!) return `the ${field.name} range "${m[1]}" runs backwards`;
  }
  return null;
}

/** The expression in 5-field form (macros such as `@daily` expanded). Throws an Error saying what is wrong. */
export function normalizeSchedule(schedule: string): string {
  const trimmed = schedule.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(`"${schedule}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; a schedule has 5: minute hour day-of-month month day-of-week`);
  }
  FIELDS.forEach((field, i) => {
    const problem = fieldProblem(parts[i], field);
    if (problem) throw new Error(`"${schedule}": ${problem}`);
  });
  return parts.join(' ');
}
