#!/usr/bin/env node
// Backs berth's SQLite database up before an install that may migrate it (deploy/install.sh):
//   node deploy/backup-db.js <berth.db> <backups-dir> [keep=3] [label]
// SQLite's online backup API (better-sqlite3's db.backup()) copies a consistent snapshot while the
// running berth keeps writing (WAL: a plain `cp` of berth.db can miss what is still in berth.db-wal).
// Writes <backups-dir>/berth-<UTC time>-schema<N>[-<label>].db (0600) and keeps the newest `keep`.
// No database: nothing to back up (a first install). Prints the backup's path.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Database = require('better-sqlite3');

async function main() {
  const [file, dir, keepArg = '3', label = ''] = process.argv.slice(2);
  if (!file || !dir) throw new Error('usage: node deploy/backup-db.js <berth.db> <backups-dir> [keep] [label]');
  const keep = Number(keepArg);
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a whole number of at least 1, not "${keepArg}"`);
  if (!fs.existsSync(file)) { console.log('no database yet: nothing to back up'); return; }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Read-only: the backup must not migrate or change the database it copies.
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const schema = Math.max(hasTable ? (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get().v ?? 0) : 0, db.pragma('user_version', { simple: true }));
    const stamp = new Date().toISOString().replace(/[-:.]/g, '');
    const safeLabel = label.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40);
    const target = path.join(dir, `berth-${stamp}-schema${schema}${safeLabel ? `-${safeLabel}` : ''}.db`);
    await db.backup(`${target}.part`);
    fs.chmodSync(`${target}.part`, 0o600);
    fs.renameSync(`${target}.part`, target);
    console.log(target);
  } finally {
    db.close();
  }
  // Names start with a sortable UTC time: the oldest sort first.
  const backups = fs.readdirSync(dir).filter((n) => /^berth-\d{8}T\d{9}Z-schema\d+.*\.db$/.test(n)).sort();
  for (const old of backups.slice(0, Math.max(0, backups.length - keep))) fs.rmSync(path.join(dir, old));
}

main().catch((e) => { console.error(`backup-db: ${e.message}`); process.exit(1); });
