import fs from 'node:fs';
import path from 'node:path';

/**
 * Whether the host booted since berth last started: the kernel's boot id (BERTH_BOOT_ID_FILE, a new
 * one each boot) against the one berth wrote at its previous start (`recordFile`). After a boot,
 * containers whose restart policy is `no` or `on-failure` are not started by dockerd, yet they ran
 * before: the first reconcile passes start them (app/processes/reconciler.ts, `afterBoot`). No
 * record yet (the first start of a berth that keeps one) is not taken for a boot, so a berth
 * upgrade never restarts what a `no` policy left down. An unreadable boot id file: no boot known.
 */
export function bootedSinceLastStart(bootIdFile: string, recordFile: string): boolean {
  let current: string;
  try {
    current = fs.readFileSync(bootIdFile, 'utf8').trim();
  } catch {
    return false;
  }
  let last: string | null = null;
  try {
    last = fs.readFileSync(recordFile, 'utf8').trim();
  } catch { /* none yet */ }
  fs.mkdirSync(path.dirname(recordFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(recordFile, `${current}\n`, { mode: 0o600 });
  return last !== null && current !== '' && last !== current;
}
