import assert from 'node:assert/strict';
import os from 'node:os';
import { Housekeeping, type HousekeepingDeps } from '../../../app/disk/housekeeping';

describe('disk watch: disk.low reaches the notifications', () => {
  it('tells onLow once per crossing, with the path and its free and total bytes', () => {
    const told: Array<{ path: string; freeBytes: number; totalBytes: number }> = [];
    const recorded: string[] = [];
    const settings = { buildLogDays: 30, eventDays: 90, routerLogMb: 50, danglingImageHours: 24, diskWarnPercent: 0 };
    const h = new Housekeeping({
      settings, home: os.tmpdir(), events: { record: (e: { kind: string }) => recorded.push(e.kind) }, onLow: (d: { path: string; freeBytes: number; totalBytes: number }) => told.push(d),
    } as unknown as HousekeepingDeps);
    h.checkDisk();
    h.checkDisk();
    assert.deepEqual(recorded, ['disk.low']);
    assert.equal(told.length, 1);
    assert.equal(told[0].path, os.tmpdir());
    assert.ok(told[0].totalBytes > 0 && told[0].freeBytes >= 0 && told[0].freeBytes <= told[0].totalBytes, JSON.stringify(told[0]));
  });
});
