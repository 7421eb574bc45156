import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/berth-process';
import type { Tenant } from './tenant';

/**
 * `apps:deploy-image <own app> berth/<other app>:vN` ran another app's image under the attacker's
 * app: its code and whatever its build baked in, readable with `berth run`.
 */
export function imageAttacks(t: () => Tenant): void {
  describe('an app cannot run another app\'s image', () => {
    // B's release image, with a file only B's developers may read (its own content: an identical
    // build of A's would be one image with both names, which A may read).
    let b = '';
    let id = '';
    const secret = () => `secret-of-${t().appB}`;
    before(() => {
      b = `berth/${t().appB}:v1`;
      const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-b-image-'));
      fs.writeFileSync(path.join(ctx, 'secret'), `${secret()}\n`);
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM berth/busybox:latest\nCOPY secret /secret-of-b\nCMD ["httpd", "-f"]\n');
      const built = spawnSync('docker', ['build', '-q', '-t', b, ctx], { encoding: 'utf8' });
      fs.rmSync(ctx, { recursive: true, force: true });
      assert.equal(built.status, 0, built.stderr);
      id = built.stdout.trim().replace(/^sha256:/, '').slice(0, 12);
    });
    after(() => { spawnSync('docker', ['rmi', b]); });

    it('deploy-image of app B\'s image, by name or by id, fails (INVALID_IMAGE) and A keeps its release', async () => {
      const { berth, appA, appB, dev } = t();
      const current = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease;
      for (const ref of [b, id]) {
        const r = t().cli(dev.token, ['apps:deploy-image', appA, ref]);
        assert.equal(r.code, 1, `${ref}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout + r.stderr, new RegExp(`Image "${ref}" is app ${appB}'s; an app deploys its own builds`));
      }
      assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, current);
    });

    it('a Dockerfile naming app B\'s image in any spelling (FROM, COPY --from, RUN --mount from=, docker.io/, id, ARG + build arg) fails the push before the build (INVALID_IMAGE); nothing of B\'s image is read', async () => {
      const { berth, appA, appB, dev, tree } = t();
      const current = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease;
      const original = fs.readFileSync(path.join(ROOT, 'test/fixtures/apps/dockerfile-app/Dockerfile'), 'utf8');
      // Earlier attacks leave a refused nginx.conf.njk in the shared work tree: these pushes must fail on their own check.
      fs.rmSync(path.join(tree.dir, 'nginx.conf.njk'), { force: true });
      const is = (spelled: string, line = 1) => `Dockerfile line ${line}: ${spelled} is app ${appB}'s image; an app builds on its own images or images from outside berth.`;
      const attacks: [string, string][] = [
        [`FROM ${b}\nRUN cat /secret-of-b\nCMD ["true"]\n`, is(`"${b}"`)],
        [`FROM docker.io/${b}\nRUN cat /secret-of-b\nCMD ["true"]\n`, is(`"docker.io/${b}"`)],
        [`FROM berth/busybox:latest\nCOPY --from=${b} /secret-of-b /s\nRUN cat /s\nCMD ["true"]\n`, is(`"${b}"`, 2)],
        [`FROM berth/busybox:latest\nRUN --mount=type=bind,from=${b},target=/b cat /b/secret-of-b\nCMD ["true"]\n`, is(`"${b}"`, 2)],
        [`FROM ${id}\nRUN cat /secret-of-b\nCMD ["true"]\n`, `Dockerfile line 1: "${id}" names an image by its id; name it as name[:tag]`],
        // The default is harmless; the build arg (docker-options, set below) names B's image.
        ['ARG BASE=berth/busybox:latest\nFROM ${BASE}\nRUN cat /secret-of-b\nCMD ["true"]\n', is(`"\${BASE}" (= "${b}")`, 2)],
      ];
      try {
        for (const [i, [spelling, message]] of attacks.entries()) {
          // A step of its own per attack: without the guard each would print the secret, none would be a cache hit.
          const dockerfile = spelling.replace(' cat /', ` echo attack-${i + 1} && cat /`);
          if (dockerfile.startsWith('ARG')) {
            const set = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/docker-options`, { phase: 'build', add: [`--build-arg BASE=${b}`] });
            assert.equal(set.status, 200, set.text);
          }
          tree.write('Dockerfile', dockerfile);
          tree.commitAll('read B\'s image');
          const r = tree.push(berth.url, dev.token, appA);
          assert.notEqual(r.code, 0, dockerfile);
          assert.ok(r.output.includes(message), `${dockerfile}\n${r.output}`);
          // Refused before the build: no step ran, nothing of B's image came out.
          assert.doesNotMatch(r.output, new RegExp(`${secret()}|\\[internal\\]|Step 1/`), r.output);
        }
        assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, current);
      } finally {
        await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/docker-options`, { phase: 'build', clear: true });
        tree.write('Dockerfile', original);
        tree.commitAll('restore Dockerfile');
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
