import { BerthError } from '../../errors';

export interface DockerRestartPolicy {
  Name: string;
  MaximumRetryCount?: number;
}

const SIMPLE = new Set(['no', 'always', 'unless-stopped', 'on-failure']);

/** `unless-stopped`, `always`, `no`, `on-failure` or `on-failure:N` → docker's RestartPolicy. */
export function parseRestartPolicy(policy: string): DockerRestartPolicy {
  const m = /^on-failure:(\d{1,4})$/.exec(policy);
  if (m) return { Name: 'on-failure', MaximumRetryCount: Number(m[1]) };
  if (SIMPLE.has(policy)) return { Name: policy };
  throw new BerthError(
    'INVALID_INPUT',
    `Unknown restart policy "${policy}"; use no, always, unless-stopped, on-failure or on-failure:N.`,
  );
}
