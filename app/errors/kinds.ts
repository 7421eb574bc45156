/** What sort of failure an error is — independent of HTTP; one table maps kinds to statuses. */
export type ErrorKind =
  | 'input'        // the request is malformed or a value is invalid
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unprocessable' // well-formed, but cannot be done in the current state
  | 'unavailable'  // a dependency (docker, redis, nginx) is down
  | 'rate-limited' // too many attempts; wait and try again
  | 'internal';
