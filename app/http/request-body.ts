import type { Request, RequestHandler } from 'express';
import { BerthError } from '../errors';

/** The JSON body as an object (empty when none was sent). */
export function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new BerthError('INVALID_INPUT', 'The request body must be a JSON object.');
  return b as Record<string, unknown>;
}

export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BerthError('INVALID_INPUT', `"${field}" must be an object of strings.`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw new BerthError('INVALID_INPUT', `"${field}.${k}" must be a string.`);
  return value as Record<string, string>;
}

export function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new BerthError('INVALID_INPUT', `"${field}" must be a list of strings.`);
  return value as string[];
}

export function positiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BerthError('INVALID_INPUT', `"${field}" must be a positive whole number.`);
  return n;
}

/** A string field that may be left out (absent, null or ""); any other type is INVALID_INPUT. */
export function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BerthError('INVALID_INPUT', `"${field}" must be a string.`);
  return v;
}

/** A string field that must be there. */
export function requiredString(v: unknown, field: string): string {
  const s = optionalString(v, field);
  if (s === undefined) throw new BerthError('INVALID_INPUT', `"${field}" is required.`);
  return s;
}

/** Every API body is a JSON object: an array or a bare value is refused before any route sees it. */
export const objectBodyOnly: RequestHandler = (req, _res, next) => {
  const b: unknown = req.body;
  if (b !== undefined && b !== null && (typeof b !== 'object' || Array.isArray(b))) {
    next(new BerthError('INVALID_INPUT', 'The request body must be a JSON object.'));
    return;
  }
  next();
};
