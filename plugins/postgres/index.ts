import { definePlugin } from '../../app/plugins';
import { requireSuccess } from '../../app/services-kit';
import { checkRestore, verifyRestore } from './verify';
import { sniffDumpFormat } from './dump-format';

/**
 * PostgreSQL: a descriptor plus dump/restore with the image's own pg_dump and psql. Import also
 * takes pg_dump's custom format (dokku's postgres:export), restored with pg_restore.
 */
export default definePlugin({
  register(ctx) {
    ctx.services.register({
      port: 5432,
      envAlias: 'DATABASE_URL',
      scheme: 'postgres',
      dataDir: '/var/lib/berth/data',
      containerEnv: (c) => ({ POSTGRES_USER: c.user, POSTGRES_PASSWORD: c.password, POSTGRES_DB: c.database }),
      // The port opens before recovery ends; pg_isready waits for "accepting connections".
      readyCommand: (c) => ['pg_isready', '-q', '-h', '127.0.0.1', '-U', c.user, '-d', c.database],
      // Over the container's local socket, which trusts local users: no password on a command line.
      connectCommand: (c) => ['psql', '-U', c.user, '-d', c.database],
      async export(service, out) {
        const r = await service.exec(['pg_dump', '--no-owner', '--no-privileges', '--clean', '--if-exists', '-U', service.credentials.user, service.credentials.database], { stdout: out });
        requireSuccess('pg_dump', r);
      },
      // Every schema of the database goes (with what a later migration made in it), then public comes back empty.
      async reset(service) {
        const { user, database } = service.credentials;
        const sql = `DO $$ DECLARE s text; BEGIN
          FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
            EXECUTE format('DROP SCHEMA %I CASCADE', s);
          END LOOP; END $$;
          CREATE SCHEMA public;`;
        const r = await service.exec(['psql', '-q', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database, '-c', sql]);
        requireSuccess('psql (reset)', r);
      },
      async import(service, input) {
        const { format, stream } = await sniffDumpFormat(input);
        const { user, database } = service.credentials;
        if (format === 'custom') {
          // Owners and grants name dokku's roles, which berth's server does not have.
          const r = await service.exec(['pg_restore', '--no-owner', '--no-privileges', '--clean', '--if-exists', '--exit-on-error', '-U', user, '-d', database], { stdin: stream });
          requireSuccess('pg_restore (import)', r);
          return;
        }
        const r = await service.exec(['psql', '-q', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database], { stdin: stream });
        requireSuccess('psql (import)', r);
      },
      // Run on a throw-away restored copy after each scheduled backup (verify.ts).
      verifyRestore,
      checkRestore,
    });
  },
});
