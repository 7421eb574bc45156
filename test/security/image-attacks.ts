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

    it('deploy-image from a registry on this host\'s own addresses (loopback, link-local) is refused before dockerd connects, with no answer of what listens there', async () => {
      const { berth, appA, dev } = t();
      const current = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease;
      // The router's port answers HTTP: before the guard, dockerd's error carried part of its 404 page.
      for (const server of [`127.0.0.1:${berth.routerPort}`, `localhost:${berth.port}`, '169.254.169.254']) {
        const r = t().cli(dev.token, ['apps:deploy-image', appA, `${server}/x:1`]);
        assert.equal(r.code, 1, `${server}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout + r.stderr, new RegExp(`berth does not pull from ${server.replace(/\./g, '\\.')}: it is this host's own address`));
        assert.doesNotMatch(r.stdout + r.stderr, /doctype|connection refused|EOF|Pulling/i);
      }
      assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, current);
    });
  });
}
