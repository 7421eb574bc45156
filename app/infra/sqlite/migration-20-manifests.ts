import type Database from 'better-sqlite3';
import { EMPTY_MANIFEST, parseAppJson, type AppManifest } from '../../manifest';

/**
 * Migration 20: each release row without a manifest gets its app.json parsed into one (an app.json
 * that no longer passes today's checks counts as none, as it did when it was parsed at each read).
 */
export function manifestsForOldReleases(db: Database.Database): void {
  const rows = db.prepare<[], { app: string; version: number; app_json: string | null }>('SELECT app, version, app_json FROM releases WHERE manifest IS NULL').all();
  const set = db.prepare<[string, string, number]>('UPDATE releases SET manifest = ? WHERE app = ? AND version = ?');
  for (const r of rows) {
    let manifest: AppManifest;
    try {
      manifest = parseAppJson(r.app_json);
    } catch {
      manifest = EMPTY_MANIFEST;
    }
    set.run(JSON.stringify(manifest), r.app, r.version);
  }
}
