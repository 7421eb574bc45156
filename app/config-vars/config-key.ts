import { BerthError } from '../errors';

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

export function assertConfigKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new BerthError('INVALID_CONFIG_KEY',
      `"${String(key).slice(0, 80)}" is not a valid config key: use letters, digits and underscores, not starting with a digit (e.g. DATABASE_URL).`);
  }
}

/** Values go into container env: any text but NUL, at most 32 KiB. */
export function assertConfigValue(key: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.includes('\0') || value.length > 32768) {
    throw new BerthError('INVALID_INPUT', `The value of ${key} must be text without NUL bytes, at most 32 KiB.`);
  }
}
