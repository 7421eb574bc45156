import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, startBerth, uniqueName, type BerthProcess, type CliResult } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';

/**
 * The world every tenant attack runs in, made once for the whole suite (one berth, to keep CI
 * time low): app A, deployed, with a developer collaborating on it; app B, the admin's, that
 * nobody else touches; a viewer. Attacks go from A's developer (and the viewer) against B,
 * the host and berth itself.
 */
export interface Tenant {
  readonly berth: BerthProcess;
  readonly appA: string;
  readonly appB: string;
  readonly dev: { readonly name: string; readonly token: string };
  readonly viewer: { readonly name: string; readonly token: string };
  /** The API as this user (token). */
  api(token: string, method: string, urlPath: string, body?: unknown): ReturnType<BerthProcess['api']>;
  /** The berth CLI with this user's token. */
  cli(token: string, args: string[], input?: string): CliResult;
  /** A work tree of the fixture app A was deployed from. */
  readonly tree: WorkTree;
}

const CLI = path.join(ROOT, 'dist/app/cli/main.js');
/** The dashboard password of the developer and the viewer. */
export const PASSWORD = 'a tenant password';
let world: Promise<Tenant> | null = null;
let made: Tenant | null = null;

export function tenant(): Promise<Tenant> {
  world ??= make();
  return world;
}

export async function destroyTenant(): Promise<void> {
  made?.tree.remove();
  await made?.berth.destroy();
  world = null;
  made = null;
}

async function make(): Promise<Tenant> {
  requireBerthStack();
  // A short SSH login window, so the suite sees a silent client closed (ssh-attacks.ts).
  const berth = await startBerth({ BERTH_SSH_AUTH_TIMEOUT: '2' });
  const appA = uniqueName('sec-a');
  const appB = uniqueName('sec-b');
  for (const app of [appA, appB]) assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
  const addUser = async (role: string) => {
    const name = uniqueName(role.slice(0, 3));
    const r = await berth.api('POST', '/api/v1/users', { name, role, password: PASSWORD });
    assert.equal(r.status, 201, r.text);
    return { name, token: r.json.token as string };
  };
  const dev = await addUser('developer');
  const viewer = await addUser('viewer');
  assert.equal((await berth.api('POST', `/api/v1/apps/${appA}/collaborators`, { user: dev.name })).status, 201);
  const tree = WorkTree.fromFixture('dockerfile-app');
  const pushed = tree.push(berth.url, dev.token, appA);
  assert.equal(pushed.code, 0, pushed.output);
  made = {
    berth, appA, appB, dev, viewer, tree,
    api: (token, method, urlPath, body) => berth.api(method, urlPath, body, token),
    cli: (token, args, input) => {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        input, encoding: 'utf8', timeout: 120_000,
        env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: token, NO_COLOR: '1' },
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
  };
  return made;
}
