import type { ErrorKind } from './kinds';

/** The one place an error kind becomes an HTTP status (API, git transport and attach alike). */
export const STATUS_FOR_KIND: Readonly<Record<ErrorKind, number>> = {
  input: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
  'rate-limited': 429,
  internal: 500,
};
