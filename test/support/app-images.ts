import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The images of the apps a test berth still had (`berth/<app>:*`): berth removes an app's images
 * when the app is destroyed, but a test berth is usually thrown away with its apps, and their tags
 * would pile up run after run. Worse, a tag left by a berth killed mid-test sits on an image id a
 * later run's identical fixture build gets again, and berth then rightly calls that image another
 * app's (INVALID_IMAGE): destroy() and the leftover sweep both untag.
 */
export function untagImagesOfApps(home: string): void {
  const file = path.join(home, 'berth.db');
  if (!fs.existsSync(file)) return;
  let apps: string[] = [];
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try { apps = (db.prepare('SELECT name FROM apps').all() as { name: string }[]).map((r) => r.name); } finally { db.close(); }
  } catch { return; } // a database from a berth that never finished starting
  untagAppImages(apps);
}

/** Untags `berth/<app>:*` for each app, by reference: apps built from one fixture share an image id. */
export function untagAppImages(apps: readonly string[]): void {
  for (const app of apps) {
    const refs = spawnSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=berth/${app}`], { encoding: 'utf8' })
      .stdout.split(/\s+/).filter((r) => r && !r.endsWith(':<none>'));
    if (refs.length) spawnSync('docker', ['rmi', '-f', ...new Set(refs)]);
  }
}

/**
 * A Dockerfile line that makes a fixture build's image this run's own: identical builds share an
 * image id, so without it an image tag left on that id by a killed run (`berth/<gone app>:v1`)
 * would make this run's deploy of the fixture another app's image.
 */
export function ownImageLabel(who: string): string {
  return `LABEL berth.test.fixture="${who}"\n`;
}
