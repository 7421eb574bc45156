import { spawn } from 'node:child_process';
import type { ApiClient } from './api-client';

export interface GitTransfer {
  readonly api: ApiClient;
  /** git's arguments after the auth config (e.g. `['--git-dir', repo, 'push', url, refspec]`). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Each line git prints (the pushed app's build log arrives as `remote:` lines). */
  readonly onLine: (line: string) => void;
}

/** `<berth>/git/<app>.git`, the app's repo over smart HTTP. */
export const appGitUrl = (api: ApiClient, app: string): string => `${api.host}/git/${encodeURIComponent(app)}.git`;

/**
 * Runs git against berth's git transport with the caller's token. The token goes in an
 * `Authorization` header set through git's environment config (GIT_CONFIG_*), never in argv or a
 * remote URL, so no other user sees it in the process list and no repo config keeps it.
 */
export function gitWithToken(t: GitTransfer): Promise<number> {
  const auth = Buffer.from(`berth:${t.api.token}`).toString('base64');
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...t.args], {
      cwd: t.cwd,
      env: { ...t.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (stream: NodeJS.ReadableStream) => {
      let pending = '';
      stream.on('data', (c: Buffer) => {
        pending += c.toString();
        const parts = pending.split(/\r?\n|\r/);
        pending = parts.pop() ?? '';
        for (const l of parts) if (l.trim()) t.onLine(l);
      });
      stream.on('end', () => { if (pending.trim()) t.onLine(pending); });
    };
    relay(child.stdout);
    relay(child.stderr);
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}
