import { definePlugin } from '../../app/plugins';
import { requireSuccess } from '../../app/services-kit';
import { checkRestore, verifyRestore } from './verify';

/** MariaDB: dump and restore with mariadb-dump and mariadb as root over the local socket. */
export default definePlugin({
  register(ctx) {
    ctx.services.register({
      port: 3306,
      envAlias: 'DATABASE_URL',
      scheme: 'mysql',
      dataDir: '/var/lib/berth/data',
      containerEnv: (c) => ({ MARIADB_USER: c.user, MARIADB_PASSWORD: c.password, MARIADB_DATABASE: c.database }),
      readyCommand: () => ['mariadb-admin', '--socket=/run/mysqld/mysqld.sock', 'ping'],
      // As root over the local socket, as import does: the server trusts it, no password to pass.
      connectCommand: (c) => ['mariadb', '--socket=/run/mysqld/mysqld.sock', c.database],
      async export(service, out) {
        const r = await service.exec(['mariadb-dump', '--socket=/run/mysqld/mysqld.sock', '--single-transaction', '--routines', service.credentials.database], { stdout: out });
        requireSuccess('mariadb-dump', r);
      },
      // The database is dropped and made again, empty (as root over the socket, as import).
      async reset(service) {
        const db = service.credentials.database.replace(/`/g, '``');
        const r = await service.exec(['mariadb', '--socket=/run/mysqld/mysqld.sock', '-e', `DROP DATABASE IF EXISTS \`${db}\`; CREATE DATABASE \`${db}\`;`]);
        requireSuccess('mariadb (reset)', r);
      },
      async import(service, input) {
        const r = await service.exec(['mariadb', '--socket=/run/mysqld/mysqld.sock', service.credentials.database], { stdin: input });
        requireSuccess('mariadb (import)', r);
      },
      // Run on a throw-away restored copy after each scheduled backup (verify.ts).
      verifyRestore,
      checkRestore,
    });
  },
});
