import type { RestoreReport, ServiceHandle } from '../../app/services-kit';
import { requireSuccess } from '../../app/services-kit';

/**
 * Exact row counts of every table of a restored copy (not the planner's estimates): one query,
 * each count run through query_to_xml so no function needs creating in the copy.
 */
const COUNTS = `SELECT format('%s.%s', table_schema, table_name) || E'\\t' ||
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
  FROM information_schema.tables
  WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
  ORDER BY 1`;

export async function verifyRestore(service: ServiceHandle): Promise<RestoreReport> {
  const { user, database } = service.credentials;
  const r = await service.exec(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database, '-c', COUNTS]);
  requireSuccess('counting rows', r);
  const tables: Record<string, number> = {};
  for (const line of r.output.split('\n')) {
    const [name, count] = line.split('\t');
    if (name && count !== undefined) tables[name] = Number(count);
  }
  return { tables };
}

/** pg_dump ends its plain SQL with this line: a dump cut short (a full disk, a killed pg_dump) does not. */
const DUMP_END = '-- PostgreSQL database dump complete';

/** A plain-SQL dump must be whole (a custom-format one, from dokku, is checked by pg_restore itself). */
export async function checkRestore(_service: ServiceHandle, o: { report: RestoreReport; dumpTail: Buffer }): Promise<string[]> {
  const tail = o.dumpTail.toString('utf8');
  if (o.dumpTail.subarray(0, 5).toString('latin1') === 'PGDMP') return [];
  return tail.includes(DUMP_END) ? [] : [`the dump does not end with "${DUMP_END}": it was cut short`];
}
