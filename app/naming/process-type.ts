/**
 * The one process-type rule (Procfile, app.json's formation and healthchecks, compose service names,
 * ps:scale, `berth enter`): lowercase letters, digits and dashes, starting with a letter, at most 30,
 * so `<app>.<type>.<slot>.<deploy id>` stays a valid container name and DNS label.
 */
export const PROCESS_TYPE_PATTERN = '[a-z][a-z0-9-]{0,29}';

const PROCESS_TYPE = new RegExp(`^${PROCESS_TYPE_PATTERN}$`);

export function isProcessType(type: string): boolean {
  return PROCESS_TYPE.test(type);
}
