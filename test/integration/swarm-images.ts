import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownImageLabel } from '../support/app-images';
import { ROOT } from '../support/berth-process';

/**
 * A busybox web server answering `text` on port 8000 and /cgi-bin/slow?<ms> after <ms> (the
 * fixtures' script), stopping at once on SIGTERM (httpd as PID 1 would not), so only the drain
 * protects a request in flight; `crash` makes one that exits at once.
 */
export function buildImage(tag: string, o: { text?: string; crash?: boolean }): void {
  if (o.crash) {
    const built = spawnSync('docker', ['build', '-q', '-t', tag, '-'], { input: `FROM berth/busybox:latest\n${ownImageLabel(tag)}EXPOSE 8000\nCMD ["sh", "-c", "echo this release is broken >&2; exit 1"]\n`, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-swarm-image-'));
  try {
    fs.mkdirSync(path.join(dir, 'www', 'cgi-bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'www', 'index.html'), `${o.text}\n`);
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/apps/multi-process-app/www/cgi-bin/slow'), path.join(dir, 'www', 'cgi-bin', 'slow'));
    fs.chmodSync(path.join(dir, 'www', 'cgi-bin', 'slow'), 0o755);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM berth/busybox:latest\n${ownImageLabel(tag)}COPY www /www\nEXPOSE 8000\n`
      + 'CMD ["sh", "-c", "httpd -f -p 8000 -h /www & pid=$!; trap \'kill $pid; exit 0\' TERM INT; wait $pid"]\n');
    const built = spawnSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
