import type { RestoreReport, ServiceHandle } from '../../app/services-kit';
import { requireSuccess } from '../../app/services-kit';

const CLI = 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli';

/** The key count (every database) and up to five keys read back with their types. */
export async function verifyRestore(service: ServiceHandle): Promise<RestoreReport> {
  const info = await service.exec(['sh', '-c', `${CLI} info keyspace`]);
  requireSuccess('redis-cli info keyspace', info);
  // Lines like "db0:keys=12,expires=0,avg_ttl=0".
  const keys = [...info.output.matchAll(/^db\d+:keys=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  // The sample: a few keys of database 0 and their types, each read back (TYPE fails on an unreadable key).
  const scan = await service.exec(['sh', '-c', `${CLI} --scan | head -n 5 | while IFS= read -r k; do printf '%s\\t' "$k"; ${CLI} type "$k" </dev/null; done`]);
  requireSuccess('redis-cli --scan', scan);
  const sample = scan.output.split('\n').filter((l) => l.includes('\t')).map((l) => { const [k, t] = l.split('\t'); return `${k.slice(0, 60)} (${t})`; });
  return { keys, sample };
}

/** Every sampled key must have been read back as a type Redis knows. */
export async function checkRestore(_service: ServiceHandle, o: { report: RestoreReport; dumpTail: Buffer }): Promise<string[]> {
  const unread = (o.report.sample ?? []).filter((s) => s.endsWith('(none)'));
  return unread.length === 0 ? [] : [`keys listed but not readable: ${unread.join(', ')}`];
}
