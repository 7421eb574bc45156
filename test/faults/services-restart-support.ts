import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/berth-process';

/** `bash deploy/services.sh ensure`: starts whichever of dockerd and Redis is down, waits until it answers. */
export function ensureServices(): void {
  const r = spawnSync('bash', [path.join(ROOT, 'deploy/services.sh'), 'ensure'], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`deploy/services.sh ensure failed:\n${r.stdout}${r.stderr}`);
}

/** Stops Redis the way an operator would (`redis-cli shutdown`: it saves, and the AOF keeps the rest). */
export function stopRedis(): void {
  spawnSync('redis-cli', ['shutdown'], { encoding: 'utf8', timeout: 30_000 });
}

/** Stops dockerd (SIGTERM, as `systemctl stop docker` does) and waits until it is gone. */
export async function stopDockerd(): Promise<void> {
  const pid = Number(fs.readFileSync('/var/run/docker.pid', 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error('no dockerd pid in /var/run/docker.pid');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try { process.kill(pid, 0); } catch { return; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`dockerd (pid ${pid}) did not stop within 60 s`);
}
