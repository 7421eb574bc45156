import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { BerthBackup, type BerthBackupDeps } from '../../../app/backups';
import { InMemoryDatabaseCopies } from '../../support/fakes/database-copies';

/** BerthBackup with fake database and services: what goes into the archive, what comes back, and what is refused. */
describe('berth backup: archive round trip (fakes)', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bb-unit-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  // Each berth's database is the fake (test/support/fakes/database-copies.ts); web's config is sealed with its home's key.
  const dbs = new Map<string, InMemoryDatabaseCopies>();
  const berthAt = (home: string, state: { apps: string[] }): BerthBackup => {
    fs.mkdirSync(home, { recursive: true });
    if (!fs.existsSync(path.join(home, 'secret.key'))) fs.writeFileSync(path.join(home, 'secret.key'), `${path.basename(home)}-key\n`);
    const db = new InMemoryDatabaseCopies(home);
    for (const app of state.apps) db.addApp(app);
    if (state.apps.includes('web')) db.setConfig('web', { SECRET: 'hunter2' });
    dbs.set(home, db);
    const deps: BerthBackupDeps = {
      home, keyFile: path.join(home, 'secret.key'), version: '0.1.0', apps: () => db.apps(), deployed: () => true, services: () => [],
      db,
      exportService: async () => { throw new Error('no services'); },
      importService: async () => undefined,
      revive: async () => undefined,
      rebuild: async () => 7,
      buildStatus: () => 'succeeded',
      record: () => undefined,
    };
    return new BerthBackup(deps);
  };

  it('holds the state folders and files but no symbolic link; restores them, the key and the rows, and rebuilds', async () => {
    const a = path.join(root, 'a');
    fs.mkdirSync(path.join(a, 'repos', 'web.git'), { recursive: true });
    fs.writeFileSync(path.join(a, 'repos', 'web.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.mkdirSync(path.join(a, 'snapshots', '12'), { recursive: true });
    fs.writeFileSync(path.join(a, 'snapshots', '12', 'v3-postgres-db.dump.gz'), 'dump before v3');
    fs.mkdirSync(path.join(a, 'storage', 'abc'), { recursive: true });
    fs.symlinkSync('/etc/passwd', path.join(a, 'storage', 'abc', 'passwd'));
    fs.mkdirSync(path.join(a, 'logs', 'builds'), { recursive: true });
    fs.writeFileSync(path.join(a, 'logs', 'builds', '1.log'), 'not state');
    const first = berthAt(a, { apps: ['web'] });
    const { write } = await first.prepare();
    const archive = path.join(root, 'backup.tar');
    await write(fs.createWriteStream(archive));

    const b = path.join(root, 'b');
    const lines: string[] = [];
    const result = await berthAt(b, { apps: [] }).restore(fs.createReadStream(archive), (l) => lines.push(l));
    assert.deepEqual(result, { apps: ['web'], services: [], builds: [{ app: 'web', build: 7, status: 'succeeded' }] });
    assert.deepEqual(dbs.get(b)!.config('web'), { SECRET: 'hunter2' }, 'the rows, opened with the backup\'s key');
    assert.equal(fs.readFileSync(path.join(b, 'secret.key'), 'utf8'), 'a-key\n');
    assert.equal(fs.readFileSync(path.join(b, 'repos', 'web.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n');
    assert.equal(fs.existsSync(path.join(b, 'storage', 'abc')), true);
    assert.equal(fs.readFileSync(path.join(b, 'snapshots', '12', 'v3-postgres-db.dump.gz'), 'utf8'), 'dump before v3', 'the data snapshots releases:rollback --restore-data reads come back');
    assert.equal(fs.existsSync(path.join(b, 'storage', 'abc', 'passwd')), false, 'a link in an app\'s storage is not followed into the backup');
    assert.equal(fs.existsSync(path.join(b, 'logs')), false);
    assert.deepEqual(fs.readdirSync(path.join(b, 'backups', 'berth', '.staging')), [], 'no staging left');
    assert.equal(lines.at(-1), 'app web: build 7 succeeded');
  });

  it('an app\'s file that grows or shrinks while berth backs up does not fail the backup (each entry holds the size it had when opened)', async () => {
    // The app writes right after berth looks at the file's size: the moment a log appended to in
    // the app's storage hits. Before the fix the whole backup failed ("Size mismatch").
    const a = path.join(root, 'a');
    const dir = path.join(a, 'storage', 'abc');
    fs.mkdirSync(dir, { recursive: true });
    const grows = path.join(dir, 'app.log');
    const shrinks = path.join(dir, 'cache.bin');
    fs.writeFileSync(grows, 'line 1\n');
    fs.writeFileSync(shrinks, 'abcdefgh');
    const realStat = fs.statSync;
    const realFstat = fs.fstatSync;
    const touched = new Set<string>();
    const meanwhile = (file: string) => {
      if (touched.has(file)) return;
      touched.add(file);
      if (file === grows) fs.appendFileSync(grows, 'line 2\n');
      if (file === shrinks) fs.truncateSync(shrinks, 3);
    };
    const fds = new Map<number, string>();
    const realOpen = fs.openSync;
    (fs as { openSync: unknown }).openSync = (f: fs.PathLike, ...rest: unknown[]) => { const fd = (realOpen as (...x: unknown[]) => number)(f, ...rest); fds.set(fd, String(f)); return fd; };
    (fs as { statSync: unknown }).statSync = (f: fs.PathLike, ...rest: unknown[]) => { const st = (realStat as (...x: unknown[]) => fs.Stats)(f, ...rest); meanwhile(String(f)); return st; };
    (fs as { fstatSync: unknown }).fstatSync = (fd: number, ...rest: unknown[]) => { const st = (realFstat as (...x: unknown[]) => fs.Stats)(fd, ...rest); meanwhile(fds.get(fd) ?? ''); return st; };
    const archive = path.join(root, 'backup.tar');
    try {
      const { write } = await berthAt(a, { apps: ['web'] }).prepare();
      await write(fs.createWriteStream(archive));
    } finally {
      Object.assign(fs, { statSync: realStat, fstatSync: realFstat, openSync: realOpen });
    }
    assert.deepEqual([...touched].filter((f) => f.startsWith(dir)).sort(), [grows, shrinks]);
    const b = path.join(root, 'b');
    await berthAt(b, { apps: [] }).restore(fs.createReadStream(archive), () => undefined);
    assert.equal(fs.readFileSync(path.join(b, 'storage', 'abc', 'app.log'), 'utf8'), 'line 1\n');
    assert.deepEqual(fs.readFileSync(path.join(b, 'storage', 'abc', 'cache.bin')), Buffer.from([0x61, 0x62, 0x63, 0, 0, 0, 0, 0]));
  });

  it('a folder in an app\'s storage swapped for a link while berth walks it: the host\'s files it points at are not in the backup', async () => {
    // The app renames its folder and puts a link to a host folder in its place right after berth's
    // lstat said "folder": before the fix the host's file went into the archive, and a restore put
    // it into the app's storage on the new host.
    const a = path.join(root, 'a');
    const dir = path.join(a, 'storage', 'abc', 'data');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'mine.txt'), 'app data');
    const host = path.join(root, 'host-secrets');
    fs.mkdirSync(host);
    fs.writeFileSync(path.join(host, 'shadow'), 'root:HASH');
    const realReaddir = fs.readdirSync;
    (fs as { readdirSync: unknown }).readdirSync = (f: fs.PathLike, ...rest: unknown[]) => {
      if (String(f) === dir) { fs.renameSync(dir, `${dir}.moved`); fs.symlinkSync(host, dir); }
      return (realReaddir as (...x: unknown[]) => unknown)(f, ...rest);
    };
    const archive = path.join(root, 'backup.tar');
    try {
      const { write } = await berthAt(a, { apps: ['web'] }).prepare();
      await write(fs.createWriteStream(archive));
    } finally {
      (fs as { readdirSync: unknown }).readdirSync = realReaddir;
    }
    const b = path.join(root, 'b');
    await berthAt(b, { apps: [] }).restore(fs.createReadStream(archive), () => undefined);
    assert.equal(fs.existsSync(path.join(b, 'storage', 'abc', 'data', 'shadow')), false, 'the host file is not restored into the app\'s storage');
  });

  it('one restore at a time; a berth with apps takes none', async () => {
    const fresh = berthAt(path.join(root, 'c'), { apps: [] });
    const input = new PassThrough();
    const running = fresh.restore(input, () => undefined);
    await assert.rejects(fresh.restore(new PassThrough().end(Buffer.alloc(1024)), () => undefined), (e: Error & { code?: string }) => e.code === 'BACKUP_RESTORE_NOT_FRESH' && /running on this berth already/.test(e.message));
    input.end(Buffer.alloc(1024));
    await assert.rejects(running, (e: Error & { code?: string }) => e.code === 'BACKUP_INVALID');
    const busy = berthAt(path.join(root, 'd'), { apps: ['web'] });
    await assert.rejects(busy.restore(new PassThrough(), () => undefined), (e: Error & { code?: string }) => e.code === 'BACKUP_RESTORE_NOT_FRESH');
  });
});
