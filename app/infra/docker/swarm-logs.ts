import type Docker from 'dockerode';
import type { ServiceLogOptions } from '../../ports/swarm';
import { readDockerLog } from './log-stream';

/**
 * `<timestamp> <details> <text>`, docker's format with `timestamps` and `details` on; the details
 * are `k=v,k=v` (URL-escaped) and carry the task's id, which says which replica wrote the line.
 */
function parseServiceLine(line: string): { at: string; taskId: string | null; text: string } | null {
  const space = line.indexOf(' ');
  const at = space < 0 ? line : line.slice(0, space);
  if (!/^\d{4}-\d\d-\d\dT/.test(at)) return null;
  let rest = space < 0 ? '' : line.slice(space + 1);
  let taskId: string | null = null;
  const attrs = /^([\w.-]+=[^ ]*)(?: |$)/.exec(rest);
  if (attrs) {
    for (const kv of attrs[1].split(',')) {
      const eq = kv.indexOf('=');
      if (kv.slice(0, eq) === 'com.docker.swarm.task.id') taskId = decodeURIComponent(kv.slice(eq + 1));
    }
    rest = rest.slice(attrs[0].length);
  }
  return { at, taskId, text: rest.replace(/\r$/, '') };
}

/**
 * Every task's output of a service, on whichever node it runs (the manager gathers it), with
 * docker's timestamps; follows until the service is removed or the signal aborts.
 */
export async function streamServiceLogs(docker: Docker, service: string, o: ServiceLogOptions): Promise<void> {
  const svc = docker.getService(service);
  await readDockerLog(docker, (options) => svc.logs({ ...options, details: true } as never) as unknown as Promise<unknown>, o, (payload) => {
    const text = payload.toString('utf8');
    for (const part of (text.endsWith('\n') ? text.slice(0, -1) : text).split(/\n(?=\d{4}-\d\d-\d\dT)/)) {
      const entry = parseServiceLine(part);
      if (entry) o.onLine(entry);
    }
  });
}
