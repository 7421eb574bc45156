import { spawn } from 'node:child_process';
import type { BerthProcess } from '../support/berth-process';
import type { WorkTree } from '../support/git-client';

/** Polls until `check` returns a truthy value; throws with `what` when it never does. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, seconds = 120): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export interface RunningPush { readonly done: Promise<{ code: number; output: string }> }

/** `git push` in the background (WorkTree.push blocks the event loop, and a fault test must act meanwhile). */
export function pushInBackground(wt: WorkTree, berth: BerthProcess, app: string): RunningPush {
  const url = berth.url.replace('http://', `http://berth:${berth.token}@`) + `/git/${app}.git`;
  const child = spawn('git', ['push', url, 'main'], { cwd: wt.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  let output = '';
  child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
  const done = new Promise<{ code: number; output: string }>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, output })));
  return { done };
}

/** The app's latest build as the API reports it. */
export async function latestBuild(berth: BerthProcess, app: string): Promise<{ id: number; status: string; error: string | null } | undefined> {
  const r = await berth.api('GET', `/api/v1/apps/${app}/builds`);
  return r.json?.builds?.[0];
}

/** Release versions and which one is current, e.g. `[[2, false], [1, true]]`. */
export async function releaseState(berth: BerthProcess, app: string): Promise<[number, boolean][]> {
  const r = await berth.api('GET', `/api/v1/apps/${app}/releases`);
  return (r.json?.releases ?? []).map((x: { version: number; current: boolean }) => [x.version, x.current]);
}
