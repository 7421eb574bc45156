import type { RestoreReport, ServiceHandle } from '../../app/services-kit';
import { requireSuccess } from '../../app/services-kit';

const SOCKET = '--socket=/run/mysqld/mysqld.sock';

/**
 * Exact row counts of every table of a restored copy: information_schema's TABLE_ROWS is an
 * estimate for InnoDB, so one UNION ALL of COUNT(*) per table is built first, then run.
 */
export async function verifyRestore(service: ServiceHandle): Promise<RestoreReport> {
  const db = service.credentials.database;
  const build = await service.exec(['mariadb', SOCKET, '-N', '-B', db, '-e',
    "SET SESSION group_concat_max_len = 1000000; SELECT GROUP_CONCAT(CONCAT('SELECT ', QUOTE(table_name), ', COUNT(*) FROM `', REPLACE(table_name, '`', '``'), '`') ORDER BY table_name SEPARATOR ' UNION ALL ') FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"]);
  requireSuccess('listing tables', build);
  const query = build.output.trim();
  const tables: Record<string, number> = {};
  if (query === '' || query === 'NULL') return { tables };
  const r = await service.exec(['mariadb', SOCKET, '-N', '-B', db, '-e', query]);
  requireSuccess('counting rows', r);
  for (const line of r.output.split('\n')) {
    const [name, count] = line.split('\t');
    if (name && count !== undefined) tables[name] = Number(count);
  }
  return { tables };
}

/** mariadb-dump ends with this line: a dump cut short does not. */
const DUMP_END = '-- Dump completed';

export async function checkRestore(_service: ServiceHandle, o: { report: RestoreReport; dumpTail: Buffer }): Promise<string[]> {
  return o.dumpTail.toString('utf8').includes(DUMP_END) ? [] : [`the dump does not end with "${DUMP_END} on …": it was cut short`];
}
