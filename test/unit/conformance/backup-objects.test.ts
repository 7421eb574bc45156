import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dirObjects } from '../../../app/backups/dir-objects';
import { backupObjectsConformance } from '../../conformance/backup-objects';
import { InMemoryBackupObjects } from '../../support/fakes/backup-objects';

backupObjectsConformance('InMemoryBackupObjects (test/support/fakes)', async () => ({
  objects: new InMemoryBackupObjects(),
  keyOf: (prefix, name) => `${prefix}/${name}`,
  listArg: (prefix) => prefix,
  close: async () => undefined,
}));

// The folder adapter is real on any machine: files below a root folder, keys as their paths.
backupObjectsConformance('dirObjects (a folder on this host)', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dir-objects-'));
  return {
    objects: dirObjects(root),
    keyOf: (prefix, name) => path.join(root, prefix, name),
    listArg: (prefix) => path.join(root, prefix),
    close: async () => { fs.rmSync(root, { recursive: true, force: true }); },
  };
});

describe('dirObjects refuses what lies outside its folder', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dir-objects-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-outside-'));
    fs.writeFileSync(path.join(outside, 'secret'), 'host file');
  });
  afterEach(() => { for (const d of [root, outside]) fs.rmSync(d, { recursive: true, force: true }); });

  it('get, remove and list of a path outside the folder are refused with BACKUP_TARGET_OUTSIDE, and the file stays', async () => {
    const objects = dirObjects(root);
    const target = path.join(outside, 'secret');
    await assert.rejects(objects.get(target), { code: 'BACKUP_TARGET_OUTSIDE' });
    await assert.rejects(objects.remove(target), { code: 'BACKUP_TARGET_OUTSIDE' });
    await assert.rejects(objects.list(outside), { code: 'BACKUP_TARGET_OUTSIDE' });
    assert.equal(fs.readFileSync(target, 'utf8'), 'host file');
  });

  it('a symbolic link in the folder is not read through (BACKUP_NOT_FOUND), nor listed', async () => {
    const objects = dirObjects(root);
    fs.mkdirSync(path.join(root, 'svc'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'svc', 'x.dump'));
    await assert.rejects(objects.get(path.join(root, 'svc', 'x.dump')), { code: 'BACKUP_NOT_FOUND' });
    assert.deepEqual(await objects.list(path.join(root, 'svc')), []);
  });
});
