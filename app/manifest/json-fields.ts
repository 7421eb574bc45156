import { BerthError } from '../errors';

export type Obj = Record<string, unknown>;

export const invalid = (message: string): BerthError => new BerthError('INVALID_APP_JSON', `app.json: ${message}`);

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function optionalString(o: Obj, key: string, where: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(`${where}.${key} must be a string`);
  return v;
}
