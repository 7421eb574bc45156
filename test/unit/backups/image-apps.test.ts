import assert from 'node:assert/strict';
import { redeployImageApp, type ImageAppDeps } from '../../../app/backups';
import type { ReleaseRecord } from '../../../app/ports/store';

const release = (version: number, image: string, description: string): ReleaseRecord => ({
  app: 'web', version, image, description, gitSha: null, config: {}, processes: { web: '' }, port: 5000, manifest: {} as ReleaseRecord['manifest'], user: null, createdAt: '',
});

/** After a restore, an app deployed from an image: which image it is released from again, or what the operator must do. */
describe('restore: apps deployed from an image (fakes)', () => {
  const deps = (images: string[], calls: string[]): ImageAppDeps => ({
    // v3 is a config change on top of v2, the image deploy of web-image:2 (v1 was web-image:1).
    current: () => release(3, 'berth/web:v3', 'config change'),
    releases: () => [release(3, 'berth/web:v3', 'config change'), release(2, 'berth/web:v2', 'image web-image:2'), release(1, 'berth/web:v1', 'image web-image:1')],
    hasImage: async (ref) => images.includes(ref),
    redeploy: async (app, reason) => { calls.push(`redeploy ${app}: ${reason}`); return 11; },
    deployImage: async (app, ref) => { calls.push(`deploy-image ${app} ${ref}`); return 12; },
  });

  it('re-releases the current release\'s own image when the host still has it', async () => {
    const calls: string[] = [];
    const out = await redeployImageApp(deps(['berth/web:v3', 'web-image:2'], calls), 'web');
    assert.deepEqual(out, { build: 11, line: 'app web: restored; released again from its image berth/web:v3, which this host has (build 11)' });
    assert.deepEqual(calls, ['redeploy web: restore: v3\'s image is on this host']);
  });

  it('else deploys again the image it was last deployed from (not an older one), which the host has', async () => {
    const calls: string[] = [];
    const out = await redeployImageApp(deps(['web-image:2', 'web-image:1'], calls), 'web');
    assert.equal(out.build, 12);
    assert.deepEqual(calls, ['deploy-image web web-image:2']);
  });

  it('else says which image to load and the command to deploy it, and deploys nothing', async () => {
    const calls: string[] = [];
    const out = await redeployImageApp(deps([], calls), 'web');
    assert.deepEqual(out, {
      build: null,
      line: 'app web: restored, but not deployed: it runs the image web-image:2, which this host does not have and berth cannot rebuild (no repo). Load it (docker load) or push it to a registry berth can pull from, then `berth apps:deploy-image web web-image:2`.',
    });
    assert.deepEqual(calls, []);
  });

  it('an image on a registry is deployed again (pulled with a registry:login)', async () => {
    const calls: string[] = [];
    const d = { ...deps([], calls), releases: () => [release(1, 'berth/web:v1', 'image registry.example.com:5000/web:1')], current: () => release(1, 'berth/web:v1', 'image registry.example.com:5000/web:1') };
    assert.equal((await redeployImageApp(d, 'web')).build, 12);
    assert.deepEqual(calls, ['deploy-image web registry.example.com:5000/web:1']);
  });
});
