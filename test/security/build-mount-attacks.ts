import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import type { Tenant } from './tenant';

/**
 * BuildKit cache mounts are keyed per app (`id=berth-<app id>-…`, dockerfile-prep.ts), but a
 * mount BuildKit reads as a cache mount and berth did not (`"type=cache"` quoted, or
 * `type=bind,type=cache`) kept its raw id: A's build could read and poison B's cache, and
 * through it B's next image.
 */
export function buildMountAttacks(t: () => Tenant): void {
  describe('a Dockerfile cannot reach another app\'s BuildKit cache', () => {
    // Earlier attacks leave a refused nginx.conf.njk in the shared work tree; these pushes must fail on their own check.
    beforeEach(() => { fs.rmSync(path.join(t().tree.dir, 'nginx.conf.njk'), { force: true }); });
    it('quoted or repeated cache-mount options fail the push before the build (BUILD_FAILED); A keeps its release', async () => {
      const { berth, appA, dev, tree } = t();
      const current = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease;
      const original = fs.readFileSync(path.join(ROOT, 'test/fixtures/apps/dockerfile-app/Dockerfile'), 'utf8');
      const victim = 'berth-0123456789ab-/root/.npm';
      const attacks: [string, RegExp][] = [
        [`RUN --mount="type=cache",target=/c,id=${victim} cat /c/x\n`, /RUN --mount options "\\"type=cache\\",target=\/c,id=berth-0123456789ab-\/root\/\.npm" carry quotes or escapes: berth keeps cache mounts per app/],
        [`RUN --mount=type=bind,type=cache,target=/c,id=${victim} cat /c/x\n`, /RUN --mount option "type" is given twice: berth keeps cache mounts per app/],
      ];
      try {
        for (const [line, message] of attacks) {
          tree.write('Dockerfile', `${original}${line}`);
          tree.commitAll('cache attack');
          const r = tree.push(berth.url, dev.token, appA);
          assert.notEqual(r.code, 0, line);
          assert.match(r.output, message, r.output);
        }
        assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, current);
      } finally {
        tree.write('Dockerfile', original);
        tree.commitAll('restore Dockerfile');
      }
    });

    it('a frontend image (# syntax=<own image>, build arg BUILDKIT_SYNTAX) fails the push before the build (BUILD_FAILED); A keeps its release', async () => {
      const { berth, appA, dev, tree } = t();
      const current = (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease;
      const original = fs.readFileSync(path.join(ROOT, 'test/fixtures/apps/dockerfile-app/Dockerfile'), 'utf8');
      // A's own image is on the host, so BuildKit would run it as the build's frontend (seen: 'failed to solve with frontend gateway.v0').
      const own = `berth/${appA}:v${current}`;
      try {
        tree.write('Dockerfile', `# syntax=${own}\n${original}`);
        tree.commitAll('frontend attack');
        let r = tree.push(berth.url, dev.token, appA);
        assert.notEqual(r.code, 0);
        assert.match(r.output, new RegExp(`# syntax=${own.replace(/[.]/g, '\\.')}: berth builds Dockerfiles with the engine's own frontend only`), r.output);
        const set = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/docker-options`, { phase: 'build', add: [`--build-arg BUILDKIT_SYNTAX=${own}`] });
        assert.equal(set.status, 200, set.text);
        tree.write('Dockerfile', original);
        tree.commitAll('restore Dockerfile');
        r = tree.push(berth.url, dev.token, appA);
        assert.notEqual(r.code, 0);
        assert.match(r.output, /The build arg BUILDKIT_SYNTAX picks a BuildKit frontend image; berth builds with the engine's own frontend only/, r.output);
        assert.equal((await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.currentRelease, current);
      } finally {
        await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/docker-options`, { phase: 'build', clear: true });
        tree.write('Dockerfile', original);
        tree.commitAll('restore Dockerfile');
      }
    });

    it('an app.json nested 200 000 deep fails the push with INVALID_APP_JSON\'s message, not an internal stack overflow', () => {
      const { berth, appA, dev, tree } = t();
      try {
        tree.write('app.json', '['.repeat(200_000));
        tree.commitAll('deep app.json');
        const r = tree.push(berth.url, dev.token, appA);
        assert.notEqual(r.code, 0);
        assert.match(r.output, /app\.json: nested too deeply to read/, r.output.slice(0, 2000));
      } finally {
        fs.rmSync(path.join(tree.dir, 'app.json'), { force: true });
        tree.commitAll('no app.json');
      }
    });
  });

  describe('a new app never adopts a destroyed app\'s leftovers by its name', () => {
    it('a new app with a destroyed app\'s name reads none of its nginx logs (the files go with the app)', async () => {
      const { berth, dev } = t();
      const name = uniqueName('sec-logs');
      const logs = path.join(berth.home, 'nginx', 'logs');
      assert.equal((await berth.api('POST', '/api/v1/apps', { name })).status, 201);
      // The old app's requests and errors, as nginx wrote them.
      fs.writeFileSync(path.join(logs, `${name}.access.log`), '10.0.0.9 - - "GET /reset?token=secret-of-the-old-app HTTP/1.1" 200\n');
      fs.writeFileSync(path.join(logs, `${name}.error.log`), 'upstream error of the old app\n');
      assert.equal((await berth.api('DELETE', `/api/v1/apps/${name}?confirm=${name}`)).status, 204);
      assert.equal((await berth.api('POST', '/api/v1/apps', { name })).status, 201);
      try {
        assert.equal((await berth.api('POST', `/api/v1/apps/${name}/collaborators`, { user: dev.name })).status, 201);
        for (const kind of ['access', 'error']) {
          const r = await t().api(dev.token, 'GET', `/api/v1/apps/${name}/nginx/${kind}-logs`);
          assert.equal(r.status, 200, r.text);
          assert.equal(r.text, '', kind);
        }
      } finally {
        await berth.api('DELETE', `/api/v1/apps/${name}?confirm=${name}`);
      }
    });
  });
}
