import type Database from 'better-sqlite3';
import type { ReleaseRecord, ReleasesStore } from '../../ports/store';
import { EMPTY_MANIFEST, type AppManifest } from '../../manifest';
import { now } from './clock';
import type { SecretBox } from './secret-box';

interface Row {
  app: string; version: number; image: string; git_sha: string | null; config: string; processes: string;
  port: number; description: string; user: string | null; created_at: string; app_json: string | null; manifest: string | null; detected_ports: string | null;
}

/** Every row has its manifest (parsed once when the release was built; migration 20 for older rows): read, never parsed. */
function manifestOf(r: Row): AppManifest {
  return r.manifest ? JSON.parse(r.manifest) as AppManifest : EMPTY_MANIFEST;
}

/** The release's config snapshot is sealed as one JSON string (see secret-box.ts). */
const recordOf = (box: SecretBox) => (r: Row): ReleaseRecord => ({
  app: r.app, version: r.version, image: r.image, gitSha: r.git_sha, config: JSON.parse(box.open(r.config)),
  processes: JSON.parse(r.processes), port: r.port, appJson: r.app_json ?? null, manifest: manifestOf(r), detectedPorts: r.detected_ports ? JSON.parse(r.detected_ports) : null, description: r.description, user: r.user, createdAt: r.created_at,
});

export function sqliteReleasesStore(db: Database.Database, box: SecretBox): ReleasesStore {
  const toRecord = recordOf(box);
  const one = db.prepare<[string, number], Row>('SELECT * FROM releases WHERE app = ? AND version = ?');
  return {
    create(r) {
      return db.transaction(() => {
        const { next } = db.prepare<[string], { next: number }>(
          'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM releases WHERE app = ?').get(r.app)!;
        db.prepare(`INSERT INTO releases (app, version, image, git_sha, config, processes, port, description, user, created_at, app_json, manifest, detected_ports)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(r.app, next, r.image, r.gitSha, box.seal(JSON.stringify(r.config)), JSON.stringify(r.processes), r.port,
            r.description, r.user, now(), r.appJson ?? null, JSON.stringify(r.manifest ?? EMPTY_MANIFEST),
            r.detectedPorts ? JSON.stringify(r.detectedPorts) : null);
        return toRecord(one.get(r.app, next)!);
      })();
    },
    get(app, version) {
      const row = one.get(app, version);
      return row ? toRecord(row) : null;
    },
    list(app) {
      return db.prepare<[string], Row>('SELECT * FROM releases WHERE app = ? ORDER BY version DESC').all(app).map(toRecord);
    },
    current(app) {
      const row = db.prepare<[string], Row>(
        'SELECT r.* FROM current_releases c JOIN releases r ON r.app = c.app AND r.version = c.version WHERE c.app = ?').get(app);
      return row ? toRecord(row) : null;
    },
    remove(app, version) {
      db.prepare('DELETE FROM releases WHERE app = ? AND version = ?').run(app, version);
    },
    setCurrent(app, version) {
      db.prepare('INSERT INTO current_releases (app, version) VALUES (?, ?) ON CONFLICT(app) DO UPDATE SET version = excluded.version')
        .run(app, version);
    },
  };
}
