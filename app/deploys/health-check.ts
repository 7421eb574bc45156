import http from 'node:http';

export interface HealthCheckSpec {
  /** Path requested; default `/`. */
  readonly path: string;
  /** Text the body must contain, or null for "any HTTP answer". */
  readonly content: string | null;
  /** Seconds to keep trying before giving up. */
  readonly timeoutSeconds: number;
  /** Seconds to wait before the first try. */
  readonly waitSeconds: number;
}

export const DEFAULT_HEALTH_CHECK: HealthCheckSpec = { path: '/', content: null, timeoutSeconds: 60, waitSeconds: 0 };

function probe(host: string, port: number, spec: HealthCheckSpec): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: spec.path, timeout: 3000, headers: { 'user-agent': 'berth-healthcheck' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < 65536) body += c; });
      res.on('end', () => {
        if (spec.content === null) return resolve(res.statusCode && res.statusCode < 500 ? null : `answered ${res.statusCode}`);
        if ((res.statusCode ?? 500) >= 400) return resolve(`answered ${res.statusCode}`);
        resolve(body.includes(spec.content) ? null : `the answer did not contain "${spec.content}"`);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve(e.message));
  });
}

/**
 * Waits until the container answers HTTP on its port. `alive` lets the caller stop early when the
 * container has exited. Resolves null when healthy, else the last reason it was not.
 */
export async function waitHealthy(target: { host: string; port: number }, spec: HealthCheckSpec,
  alive: () => Promise<boolean>, signal?: AbortSignal): Promise<string | null> {
  if (spec.waitSeconds > 0) await new Promise((r) => setTimeout(r, spec.waitSeconds * 1000));
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  let reason = 'no answer';
  const started = Date.now();
  while (Date.now() < deadline) {
    if (signal?.aborted) return 'cancelled';
    const failure = await probe(target.host, target.port, spec);
    if (failure === null) return null;
    reason = failure;
    if (!(await alive())) return `the container exited (${reason})`;
    // Poll briskly while an app is likely still booting, then back off.
    await new Promise((r) => setTimeout(r, Date.now() - started < 5000 ? 50 : 500));
  }
  return `no healthy answer on port ${target.port}${spec.path === '/' ? '' : ` at ${spec.path}`} within ${spec.timeoutSeconds} s (${reason})`;
}
