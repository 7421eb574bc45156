/** Helpers shared by the services-*.test.ts files. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, untagAppImages, type BerthProcess } from '../support/berth-process';

const CLI = path.join(ROOT, 'dist/app/cli/main.js');

/** Builds a plugin's service image unless present (minutes the first time). */
export function ensureServiceImage(pluginDir: string): void {
  const r = spawnSync('bash', [path.join(pluginDir, 'image.sh')], { encoding: 'utf8', timeout: 1_200_000 });
  if (r.status !== 0) throw new Error(`${pluginDir}/image.sh failed: ${r.stderr}`);
}

const cliEnv = (berth: BerthProcess) => ({ ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: berth.token, NO_COLOR: '1' });

/** `berth <service>:export <name> > file`, bytes untouched. */
export function exportToFile(berth: BerthProcess, verb: string, name: string, file: string): { code: number; stderr: string } {
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, verb, name], { stdio: ['ignore', fd, 'pipe'], env: cliEnv(berth), encoding: 'utf8', timeout: 300_000 });
    return { code: r.status ?? -1, stderr: r.stderr };
  } finally {
    fs.closeSync(fd);
  }
}

/** `berth <service>:import <name> < file`. */
export function importFromFile(berth: BerthProcess, verb: string, name: string, file: string): { code: number; stdout: string; stderr: string } {
  const fd = fs.openSync(file, 'r');
  try {
    const r = spawnSync(process.execPath, [CLI, verb, name], { stdio: [fd, 'pipe', 'pipe'], env: cliEnv(berth), encoding: 'utf8', timeout: 300_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes the service containers and volumes a test berth made (destroy() removes containers by scope only). */
export function removeServiceLeftovers(berth: BerthProcess): void {
  const scope = berth.env.BERTH_NETWORK;
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=berth.scope=${scope}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  if (ids.length) spawnSync('docker', ['rm', '-f', ...ids]);
  const vols = spawnSync('docker', ['volume', 'ls', '-q', '--filter', `label=berth.scope=${scope}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  if (vols.length) spawnSync('docker', ['volume', 'rm', '-f', ...vols]);
}

/** Reads rows through the fixture app over the router. */
export async function rows(berth: BerthProcess, app: string, kind: string): Promise<unknown> {
  const res = await berth.viaRouter(`${app}.localhost`, `/${kind}/read`);
  if (res.status !== 200) throw new Error(`/${kind}/read answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text);
}

export async function write(berth: BerthProcess, app: string, kind: string, value: string): Promise<void> {
  const res = await berth.viaRouter(`${app}.localhost`, `/${kind}/write?v=${encodeURIComponent(value)}`);
  if (res.status !== 200) throw new Error(`/${kind}/write answered ${res.status}: ${res.text}`);
}

/** Removes the release images (`berth/<app>:v<N>`) of apps a test made. */
export function removeAppImages(apps: readonly string[]): void {
  untagAppImages(apps);
}
