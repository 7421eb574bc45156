import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Tenant } from './tenant';

/**
 * Mounts that reach the host. Docker resolves a bind source's symlinks at every container start,
 * and app containers run as root: with two nested host mounts, a container could swap the inner
 * folder for a symlink to `/` and the next container got the host's root, read-write.
 */
export function storageAttacks(t: () => Tenant): void {
  describe('storage mounts cannot reach the host', () => {
    const mounts = async (app: string) => (await t().berth.api('GET', `/api/v1/apps/${app}/storage`)).json.mounts;
    /** The app's storage root: `$BERTH_HOME/storage/<app id>`. */
    const rootOf = async (app: string) => path.join(t().berth.home, 'storage', (await t().berth.api('GET', `/api/v1/apps/${app}`)).json.app.id as string);

    it('a developer cannot mount a host path, even under the app\'s own storage folder (403 FORBIDDEN, nothing stored)', async () => {
      const { berth, appA, dev } = t();
      const root = await rootOf(appA);
      for (const spec of [`${root}/a/b:/b`, `${root}/a:/a`, `${root}:/all`]) {
        const r = await t().api(dev.token, 'POST', `/api/v1/apps/${appA}/storage`, { mount: spec });
        assert.equal(r.status, 403, spec);
        assert.equal(r.json.error.code, 'FORBIDDEN', spec);
      }
      assert.deepEqual(await mounts(appA), []);
      assert.equal(fs.existsSync(path.join(root, 'a')), false, 'no folder was made');
    });

    it('the nested-mounts + symlink escape: host folders are one level below the app\'s root, so none contains another (422 INVALID_STORAGE_MOUNT)', async () => {
      const { berth, appA } = t();
      const root = await rootOf(appA);
      // As the admin, the one role that may mount host folders.
      for (const spec of [`${root}/a/b:/b`, `${root}:/all`]) {
        const r = await berth.api('POST', `/api/v1/apps/${appA}/storage`, { mount: spec });
        assert.equal(r.status, 422, spec);
        assert.equal(r.json.error.code, 'INVALID_STORAGE_MOUNT', spec);
      }
      assert.deepEqual(await mounts(appA), []);
    });

    it('a host folder swapped for a symlink after it was mounted is refused at the next container start; nothing runs', async () => {
      const { berth, appA, dev } = t();
      const root = await rootOf(appA);
      const ok = await berth.api('POST', `/api/v1/apps/${appA}/storage`, { mount: `${root}/files:/files` });
      assert.equal(ok.status, 201, ok.text);
      try {
        // What a container that could write the app's storage root would do.
        fs.rmSync(path.join(root, 'files'), { recursive: true });
        fs.symlinkSync('/', path.join(root, 'files'));
        const run = t().cli(dev.token, ['run', appA, '--', 'ls', '/files/etc/hostname']);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stderr, /mounted into .* is a symlink; nothing was started/);
        assert.doesNotMatch(run.stdout, /hostname/);
      } finally {
        fs.rmSync(path.join(root, 'files'), { force: true });
        assert.equal((await berth.api('POST', `/api/v1/apps/${appA}/storage/unmount`, { mount: '/files' })).status, 200);
      }
    });
  });
}
