import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Tenant } from './tenant';

/**
 * `apps:deploy-image <own app> berth/<other app>:vN` ran another app's image under the attacker's
 * app: its code and whatever its build baked in, readable with `berth run`.
 */
export function imageAttacks(t: () => Tenant): void {
  describe('an app cannot run another app\'s image', () => {
    it('deploy-image of app B\'s image, by name or by id, fails (INVALID_IMAGE) and A keeps its release', async () => {
      const { berth, appA, appB, dev } = t();
      const current = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease;
      // App B's build, as it would be tagged once B deployed (B's v1).
      const image = `berth/${appA}:v${current}`;
      assert.equal(spawnSync('docker', ['tag', image, `berth/${appB}:v1`]).status, 0);
      const id = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', `berth/${appB}:v1`], { encoding: 'utf8' }).stdout.trim().replace(/^sha256:/, '').slice(0, 12);
      try {
        for (const ref of [`berth/${appB}:v1`, id]) {
          const r = t().cli(dev.token, ['apps:deploy-image', appA, ref]);
          assert.equal(r.code, 1, `${ref}: ${r.stdout}${r.stderr}`);
          assert.match(r.stdout + r.stderr, new RegExp(`Image "${ref}" is app ${appB}'s; an app deploys its own builds`));
        }
        assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, current);
      } finally {
        spawnSync('docker', ['rmi', `berth/${appB}:v1`]);
      }
    });
  });
}
