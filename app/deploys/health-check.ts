import http from 'node:http';
import type { HealthCheck } from '../manifest';

/** Where one check runs: a container's address and, for command checks, a way to exec in it. */
export interface CheckTarget {
  /** Address on the berth network (HTTP checks), null when it has none. */
  readonly host: string | null;
  /** The port the release listens on; a check's own `port` wins. */
  readonly port: number;
  /** Runs argv inside the container; resolves its exit code and output (command checks). */
  readonly exec?: (argv: readonly string[], timeoutMs: number) => Promise<{ code: number; output: string }>;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

function probeHttp(host: string, port: number, check: HealthCheck): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: check.path ?? '/', timeout: check.timeout * 1000, headers: { 'user-agent': 'berth-healthcheck' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < 65536) body += c; });
      res.on('end', () => {
        if (check.content === null) return resolve(res.statusCode && res.statusCode < 500 ? null : `answered ${res.statusCode}`);
        if ((res.statusCode ?? 500) >= 400) return resolve(`answered ${res.statusCode}`);
        resolve(body.includes(check.content) ? null : `the answer did not contain "${check.content}"`);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${check.timeout} s`)));
    req.on('error', (e) => resolve(e.message));
  });
}

/** One try of a check: null when it passed, else why not. */
export async function tryCheck(check: HealthCheck, target: CheckTarget): Promise<string | null> {
  if (check.command) {
    if (!target.exec) return 'command checks need a container to run in';
    const { code, output } = await target.exec(check.command, check.timeout * 1000);
    if (code !== 0) return `the command exited with code ${code}${output.trim() ? ` (${output.trim().split('\n').at(-1)!.slice(0, 200)})` : ''}`;
    if (check.content !== null && !output.includes(check.content)) return `the command's output did not contain "${check.content}"`;
    return null;
  }
  if (!target.host) return 'the container has no address on its network';
  return probeHttp(target.host, check.port ?? target.port, check);
}

/** What a check does, for the push log: `GET :5000/health` or `command "…"`. */
export function describeCheck(check: HealthCheck, port: number): string {
  if (check.command) return `command ${JSON.stringify(check.command.length === 3 && check.command[0] === '/bin/sh' ? check.command[2] : check.command.join(' '))}`;
  return `GET :${check.port ?? port}${check.path}${check.content ? ` for "${check.content}"` : ''}`;
}

/**
 * Startup/readiness: after `initialDelay`, tries until it passes or its budget is spent
 * (attempts × timeout + (attempts − 1) × wait, dokku's worst case). A try that fails fast (the app
 * is still booting) does not use up an attempt: it is retried briskly, then every `wait`.
 * `alive` stops early when the container has exited. Resolves null when passed, else the reason.
 */
export async function waitPassing(check: HealthCheck, target: CheckTarget,
  alive: () => Promise<boolean>, signal?: AbortSignal): Promise<string | null> {
  if (check.initialDelay > 0) await sleep(check.initialDelay * 1000, signal);
  const budget = (check.attempts * check.timeout + (check.attempts - 1) * check.wait) * 1000;
  const started = Date.now();
  let reason = 'no answer';
  let tries = 0;
  while (Date.now() - started < budget || tries === 0) {
    if (signal?.aborted) return 'cancelled';
    tries++;
    const failure = await tryCheck(check, target);
    if (failure === null) return null;
    reason = failure;
    if (!(await alive())) return `the container exited (${reason})`;
    // Poll briskly while an app is likely still booting (commands less so), then back off.
    const early = Date.now() - started < 5000;
    await sleep(check.command ? (early ? 250 : Math.max(1000, check.wait * 1000)) : (early ? 50 : Math.max(500, Math.min(check.wait * 1000, 5000))), signal);
  }
  return `no pass within ${Math.round(budget / 1000)} s, ${tries} tr${tries === 1 ? 'y' : 'ies'} (${reason})`;
}
