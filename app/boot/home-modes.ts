import fs from 'node:fs';
import path from 'node:path';

/** Entries of BERTH_HOME that others may pass through (never list): nginx's workers read pages/ and acme/ below it. */
const TRAVERSED = new Set(['nginx']);

/**
 * berth's state is root's alone: BERTH_HOME is tightened one level deep, which closes everything
 * below (berth.db held service passwords at 0644; logs and repos were world-readable): its files
 * 0600, its folders 0700, itself 0711, and nginx/ keeps its own modes (infra/nginx: workers read
 * pages and ACME tokens, nothing else). The berth process also sets umask 077 (main.ts), so what
 * it makes later (and git and nginx, which it spawns) is owner-only too.
 */
export function secureHome(home: string): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o711 });
  fs.chmodSync(home, 0o711);
  for (const entry of fs.readdirSync(home, { withFileTypes: true })) {
    if (TRAVERSED.has(entry.name) || entry.isSymbolicLink()) continue;
    fs.chmodSync(path.join(home, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}
