import fs from 'node:fs/promises';
import type Docker from 'dockerode';
import { nullOn404, requireRef } from './docker-errors';

/** TCP states that hold a client: ESTABLISHED (01) and SYN_RECV (03), as the kernel numbers them. */
const OPEN_STATES = new Set(['01', '03']);

/**
 * Counts the rows of a /proc/net/tcp or tcp6 table whose local port is `port` and that are
 * open. A LISTEN row is the server itself; TIME_WAIT, CLOSE_WAIT and the rest are connections
 * the peer already closed, so nothing waits on them.
 */
export function countOpen(table: string, port: number): number {
  let n = 0;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const local = fields[1] ?? '';
    const localPort = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (localPort === port && OPEN_STATES.has(fields[3] ?? '')) n++;
  }
  return n;
}

/**
 * Open connections to a container's port, read from the kernel's tables of the container's own
 * network namespace (/proc/<pid>/net/tcp and tcp6 of its main process), so no program has to
 * exist in the image or on the host. Needs root (berth runs as root to drive docker); null when
 * the container does not run or the tables cannot be read.
 */
export async function connectionsTo(docker: Docker, id: string, port: number): Promise<number | null> {
  const info = await nullOn404(docker.getContainer(requireRef(id, 'container id')).inspect());
  const pid = info?.State?.Running ? info.State.Pid : 0;
  if (!pid) return null;
  let total = 0;
  let read = 0;
  for (const file of ['tcp', 'tcp6']) {
    const table = await fs.readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => null);
    if (table === null) continue;
    read++;
    total += countOpen(table, port);
  }
  return read > 0 ? total : null;
}
