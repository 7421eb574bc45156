import { BerthError } from '../errors';

const APP_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** The one app-name rule: safe for docker, nginx, git and DNS alike (no trailing dash: not a DNS label). */
export function isAppName(name: unknown): name is string {
  return typeof name === 'string' && APP_NAME.test(name) && !name.endsWith('-');
}

/** Throws INVALID_APP_NAME unless `isAppName`. */
export function assertAppName(name: unknown): asserts name is string {
  if (!isAppName(name)) {
    throw new BerthError('INVALID_APP_NAME',
      `"${String(name).slice(0, 80)}" is not a valid app name: use lowercase letters, digits and dashes, start with a letter, 1–63 characters (e.g. my-app).`);
  }
}
