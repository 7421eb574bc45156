import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { uniqueName } from '../support/berth-process';
import type { Tenant } from './tenant';

/** nginx's workers' user: the only non-root user on the host berth's files must serve. */
const NOBODY = { uid: 65534, gid: 65534 };

/**
 * berth.db was 0644 with plaintext service passwords; logs, repos and the nginx config were
 * world-readable. Anyone on the host (an nginx worker among them) tries to read them.
 */
export function filesAttacks(t: () => Tenant): void {
  describe('files under BERTH_HOME are root\'s; service credentials are sealed', () => {
    it('an unprivileged user on the host reads none of berth\'s files; nginx\'s workers still serve pages', async () => {
      const { berth, appA } = t();
      const home = berth.home;
      const mode = (p: string) => (fs.statSync(path.join(home, p)).mode & 0o7777).toString(8);
      assert.deepEqual(
        ['', 'berth.db', 'secret.key', 'repos', 'logs', 'nginx', 'nginx/apps', `nginx/apps/${appA}.conf`].map((p) => [p, mode(p)]),
        [['', '711'], ['berth.db', '600'], ['secret.key', '600'], ['repos', '700'], ['logs', '700'], ['nginx', '711'], ['nginx/apps', '700'], [`nginx/apps/${appA}.conf`, '600']],
      );
      const asNobody = (cmd: string, args: string[]) => {
        const r = spawnSync(cmd, args, { ...NOBODY, encoding: 'utf8' });
        return [r.status, r.stdout, r.stderr];
      };
      for (const file of ['berth.db', 'secret.key', `nginx/apps/${appA}.conf`]) {
        const p = path.join(home, file);
        assert.deepEqual(asNobody('cat', [p]), [1, '', `cat: ${p}: Permission denied\n`], file);
      }
      for (const dir of ['', 'repos', 'logs']) {
        const p = path.join(home, dir);
        assert.deepEqual(asNobody('ls', [p]), [2, '', `ls: cannot open directory '${p}': Permission denied\n`], dir || 'BERTH_HOME');
      }
      assert.equal((await berth.viaRouter(`${appA}.localhost`)).status, 200, 'the app is served');
      const unknown = await berth.viaRouter(`${uniqueName('nobody')}.localhost`);
      assert.deepEqual([unknown.status, /<title>/.test(unknown.text)], [404, true], 'a worker reads berth\'s 404 page');
    });

    it('a service\'s credentials are sealed in berth.db, and still work', async () => {
      const { berth } = t();
      const name = uniqueName('sealed');
      assert.equal(berth.cli(['redis:create', name]).code, 0);
      try {
        const url = (JSON.parse(berth.cli(['redis:info', name, '--json']).stdout) as { service: { url: string } }).service.url;
        const password = decodeURIComponent(new URL(url).password);
        assert.match(password, /^[0-9a-f]{32}$/);
        const db = new Database(path.join(berth.home, 'berth.db'), { readonly: true });
        const stored = db.prepare('SELECT credentials FROM services WHERE plugin = ? AND name = ?').get('redis', name) as { credentials: string };
        db.close();
        assert.match(stored.credentials, /^enc:v1:/);
        assert.equal(stored.credentials.includes(password), false, 'the password is not in the database');
        const ping = spawnSync('docker', ['exec', `berth-svc-redis-${name}`, 'redis-cli', '-a', password, '--no-auth-warning', 'PING'], { encoding: 'utf8' });
        assert.equal(ping.stdout, 'PONG\n', 'the unsealed password is the service\'s');
      } finally {
        berth.cli(['redis:destroy', name, '--confirm', name, '--force']);
      }
    });
  });
}
