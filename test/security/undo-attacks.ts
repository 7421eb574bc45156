import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Tenant } from './tenant';

const imageId = (ref: string): string =>
  spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8' }).stdout.trim();

/**
 * A failed deploy is undone by the release pipeline (its containers, its release record, its
 * `vN` tag). A developer who makes a deploy fail on purpose must not turn that undo against
 * what others use: deploying a shared image (here a second name of berth's base image, which
 * every buildpack build starts FROM), which exits at once and fails its health check, must only
 * untag A's `vN` and leave the image and its name.
 */
export function undoAttacks(t: () => Tenant): void {
  describe('a failed deploy undoes only its own', () => {
    it("deploy-image of a shared image failing its check: A's vN tag goes, the shared image and A's release stay", async () => {
      const { berth, appA, dev } = t();
      // A name of our own for the shared image, so a wrong undo in this test cannot take the real one.
      const base = `berth-test/shared-${appA}:1`;
      assert.equal(spawnSync('docker', ['tag', 'berth/base:bookworm', base]).status, 0, 'berth/base:bookworm is built by deploy/install.sh');
      const before = imageId(base);
      try {
        const app = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app;
        const releases = (await berth.api('GET', `/api/v1/apps/${appA}/releases`)).json.releases.map((r: { version: number }) => r.version);
        const body = (await berth.viaRouter(`${appA}.localhost`)).text;
        const r = t().cli(dev.token, ['apps:deploy-image', appA, base]);
        const out = r.stdout + r.stderr;
        assert.equal(r.code, 1, out);
        const next = releases[0] + 1;
        assert.match(out, /undo: start — removed 1 container/);
        assert.match(out, new RegExp(`undo: release — deleted release v${next} and its image tag berth/${appA}:v${next}`));
        assert.equal(imageId(base), before, 'the shared image is untouched');
        assert.equal(imageId(`berth/${appA}:v${next}`), '', "A's failed tag is gone");
        assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, app.currentRelease);
        assert.deepEqual((await berth.api('GET', `/api/v1/apps/${appA}/releases`)).json.releases.map((x: { version: number }) => x.version), releases);
        assert.equal((await berth.viaRouter(`${appA}.localhost`)).text, body);
      } finally {
        spawnSync('docker', ['rmi', base]);
      }
    });
  });
}
