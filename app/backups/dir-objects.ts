import fs from 'node:fs';
import path from 'node:path';
import type { BackupObjects, StoredObject } from '../ports/backup-objects';
import { checkInside } from './backup-target';
import { BerthError } from '../errors';

/** Backups as files below berth's backup directory (keys are absolute paths, checked to stay there). */
export function dirObjects(root: string): BackupObjects {
  return {
    async put(key, file) {
      fs.mkdirSync(path.dirname(key), { recursive: true, mode: 0o700 });
      checkInside(path.dirname(key), root);
      // The staging file is in the same directory tree (same file system): a rename, not a copy.
      try {
        fs.renameSync(file, key);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        fs.copyFileSync(file, key);
      }
    },
    async get(key) {
      checkInside(path.dirname(key), root);
      // A plain file only: a symbolic link in the folder could point anywhere on the host.
      const st = fs.lstatSync(key, { throwIfNoEntry: false });
      if (!st?.isFile()) throw new BerthError('BACKUP_NOT_FOUND', `The backup file ${key} is not there.`);
      return fs.createReadStream(key);
    },
    async remove(key) {
      checkInside(path.dirname(key), root);
      fs.rmSync(key, { force: true });
    },
    async list(dir) {
      checkInside(dir, root);
      if (!fs.existsSync(dir)) return [];
      const out: StoredObject[] = [];
      for (const name of fs.readdirSync(dir).sort()) {
        const st = fs.lstatSync(path.join(dir, name));
        if (st.isFile()) out.push({ key: path.join(dir, name), size: st.size, modified: st.mtime.toISOString() });
      }
      return out;
    },
  };
}
