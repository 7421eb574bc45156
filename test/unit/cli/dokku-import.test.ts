import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseEnvFile } from '../../../app/cli/dokku-import/env-file';
import { readDokkuHost } from '../../../app/cli/dokku-import/read-host';
import { sniffDumpFormat } from '../../../plugins/postgres/dump-format';

const write = (file: string, text: string) => { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); };

describe('import:dokku: reading a dokku host\'s files', () => {
  it('ENV: dotenv lines (newer dokku) and shell exports (older), quotes joined, escapes read; unreadable lines named, not guessed', () => {
    const env = parseEnvFile([
      'export A=\'it\'\\\'\'s\'',
      'B="two\\nlines \\"q\\" \\$x"',
      'C=bare # a comment',
      'D=hash#kept',
      'export E=\'multi',
      'line\'',
      'F=',
      '# comment',
      '1BAD=x',
      'G=a b',
      'H="unclosed',
    ].join('\n'));
    assert.deepEqual(env.vars, { A: 'it\'s', B: 'two\nlines "q" $x', C: 'bare', D: 'hash#kept', E: 'multi\nline', F: '' });
    assert.deepEqual(env.unread, ['1BAD=x', 'G=a b', 'H="unclosed']);
  });

  it('an app: VHOST, ports map, ps scale (DOKKU_SCALE under the property), nginx properties, checks, mounts and other docker options, deploy branch, repo', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dokku-read-'));
    try {
      const home = path.join(copy, 'home/dokku');
      const lib = path.join(copy, 'var/lib/dokku');
      write(path.join(home, 'web/ENV'), 'export K=\'v\'\nDOKKU_APP_RESTORE=1\n');
      write(path.join(home, 'web/VHOST'), 'web.example.com\nwww.example.com\n');
      write(path.join(home, 'web/DOKKU_SCALE'), 'web=1\nworker=3\n');
      write(path.join(home, 'web/DOCKER_OPTIONS_DEPLOY'), '-v /var/lib/dokku/data/storage/web:/app/uploads\n--restart=on-failure:10\n');
      write(path.join(home, 'web/HEAD'), 'ref: refs/heads/main\n');
      write(path.join(home, 'web/refs/heads/main'), '0'.repeat(40));
      fs.mkdirSync(path.join(home, 'web/objects'));
      write(path.join(home, 'ENV'), 'export GLOBAL=1\n');
      write(path.join(home, 'tls/server.crt'), 'global cert');
      write(path.join(home, 'Upper/ENV'), '');
      write(path.join(home, 'bad_name/ENV'), '');
      write(path.join(lib, 'config/ports/web/map'), 'http:80:5000\nhttps:443:5000\n');
      write(path.join(lib, 'config/ps/web/scale'), 'web=2\n');
      write(path.join(lib, 'config/nginx/web/client-max-body-size'), '50m');
      write(path.join(lib, 'config/nginx/web/some-state'), 'x');
      write(path.join(lib, 'config/checks/web/disabled'), 'worker,web');
      write(path.join(lib, 'config/git/web/deploy-branch'), 'main');
      write(path.join(lib, 'config/docker-options/web/_default_.deploy'), '-v data:/data\n');
      write(path.join(lib, 'services/postgres/db/LINKS'), 'web\n');
      write(path.join(lib, 'services/postgres/db/db.dump'), 'PGDMP');
      write(path.join(lib, 'services/mongo/m/LINKS'), 'web\n');
      const host = readDokkuHost(copy);
      assert.deepEqual(host.notes, [
        'global ENV (dokku config:set --global): berth has no global variables; set them on each app',
        'app "bad_name": not a valid berth app name (lowercase letters, digits, dashes); skipped',
        'mongo services (m): berth has no mongo plugin built in; not carried over',
      ]);
      assert.equal(host.apps.length, 1);
      const web = host.apps[0];
      assert.deepEqual({ ...web, notes: [...web.notes] }, {
        name: 'web', env: { K: 'v' }, vhosts: ['web.example.com', 'www.example.com'], ports: ['http:80:5000', 'https:443:5000'],
        scale: { web: 2, worker: 3 }, nginx: { 'client-max-body-size': '50m' }, restartPolicy: undefined,
        checksDisabled: ['worker', 'web'], checksSkipped: [],
        mounts: [{ source: '/var/lib/dokku/data/storage/web', target: '/app/uploads' }, { source: 'data', target: '/data' }],
        dockerOptions: ['--restart=on-failure:10'], deployBranch: 'main', repo: path.join(home, 'web'), tls: undefined, letsencrypt: false, notes: [],
      });
      assert.deepEqual(host.services, [{ plugin: 'postgres', name: 'db', links: ['web'], dump: path.join(lib, 'services/postgres/db/db.dump'), image: undefined }]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a hostile copy: symlinks out of it (ENV, tls, a service dump, an app folder, inside the repo) are never read, and named', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dokku-read-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dokku-outside-'));
    try {
      const home = path.join(copy, 'home/dokku');
      const lib = path.join(copy, 'var/lib/dokku');
      write(path.join(outside, 'secret'), 'STOLEN=host-secret\n');
      write(path.join(outside, 'app/ENV'), 'STOLEN=from-a-linked-app\n');
      write(path.join(home, 'web/VHOST'), 'web.example.com\n');
      fs.symlinkSync(path.join(outside, 'secret'), path.join(home, 'web/ENV'));
      fs.mkdirSync(path.join(home, 'web/tls'));
      fs.symlinkSync(path.join(outside, 'secret'), path.join(home, 'web/tls/server.crt'));
      fs.symlinkSync(path.join(outside, 'secret'), path.join(home, 'web/tls/server.key'));
      write(path.join(home, 'web/HEAD'), 'ref: refs/heads/master\n');
      write(path.join(home, 'web/refs/heads/master'), '0'.repeat(40));
      fs.mkdirSync(path.join(home, 'web/objects/ab'), { recursive: true });
      fs.symlinkSync(path.join(outside, 'secret'), path.join(home, 'web/objects/ab/cdef'));
      fs.symlinkSync(path.join(outside, 'app'), path.join(home, 'linked'));
      write(path.join(lib, 'services/postgres/db/LINKS'), 'web\n');
      fs.symlinkSync(path.join(outside, 'secret'), path.join(lib, 'services/postgres/db/db.dump'));
      const host = readDokkuHost(copy);
      assert.deepEqual(host.apps.map((a) => ({ name: a.name, env: a.env, vhosts: a.vhosts, tls: a.tls, repo: a.repo, notes: a.notes })), [
        { name: 'web', env: {}, vhosts: ['web.example.com'], tls: undefined, repo: undefined,
          notes: ['git repo: holds a symlink, which git would follow out of the copy; not pushed'] },
      ]);
      assert.deepEqual(host.services, [{ plugin: 'postgres', name: 'db', links: ['web'], dump: undefined, image: undefined }]);
      assert.deepEqual(host.notes, [
        'home/dokku/linked: a symlink out of the copy; not read',
        'home/dokku/web/ENV: a symlink out of the copy; not read',
        'home/dokku/web/tls/server.crt: a symlink out of the copy; not read',
        'var/lib/dokku/services/postgres/db/db.dump: a symlink out of the copy; not read',
      ]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('postgres import tells pg_dump\'s custom format (dokku\'s export) from SQL and keeps every byte', async () => {
    const read = async (s: NodeJS.ReadableStream) => { const parts: Buffer[] = []; for await (const c of s) parts.push(Buffer.from(c as Buffer)); return Buffer.concat(parts).toString(); };
    const custom = await sniffDumpFormat(Readable.from([Buffer.from('PG'), Buffer.from('DMP'), Buffer.from('\x01rest')]));
    assert.deepEqual([custom.format, await read(custom.stream)], ['custom', 'PGDMP\x01rest']);
    const sql = await sniffDumpFormat(Readable.from([Buffer.from('--\nSELECT 1;\n')]));
    assert.deepEqual([sql.format, await read(sql.stream)], ['sql', '--\nSELECT 1;\n']);
    const short = await sniffDumpFormat(Readable.from([Buffer.from('PG')]));
    assert.deepEqual([short.format, await read(short.stream)], ['sql', 'PG']);
  });
});
