import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { useBerth } from '../support/use-berth';

const docker = (args: string[]): string => spawnSync('docker', args, { encoding: 'utf8' }).stdout.trim();

/**
 * Compose files beyond one build (test/fixtures/apps/compose-multi-app, one app and its pushes shared
 * by the tests in order): two builds, a one-shot, ${VAR} interpolation, :ro volumes, refused build
 * contexts; and a file where no service builds (compose-images-app).
 */
describe('compose apps: several builds, none, one-shots, interpolation and read-only volumes', function () {
  this.timeout(600_000);
  const berth = useBerth();
  let wt: WorkTree;
  let firstPush = '';
  const app = uniqueName('cbuilds');
  const host = `${app}.localhost`;
  const serving = async (p = '/') => (await berth.viaRouter(host, p)).text.trim();
  const containers = (process: string) => docker(['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.process=${process}`,
    '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`]).split(/\s+/).filter(Boolean);
  const imageOf = (container: string) => docker(['inspect', '--format', '{{.Config.Image}}', container]);

  before(async () => {
    wt = WorkTree.fromFixture('compose-multi-app');
    assert.equal(berth.cli(['apps:create', app]).code, 0);
  });
  after(() => { wt?.remove(); });

  it('interpolates only the app\'s own config vars: berth\'s env and another app\'s config are unset names, all listed', async () => {
    const other = uniqueName('cother');
    assert.equal(berth.cli(['apps:create', other]).code, 0);
    assert.equal(berth.cli(['config:set', other, 'OTHER_APP_SECRET=s3cret', '--no-restart']).code, 0);
    assert.ok(berth.env.BERTH_NETWORK, 'berth runs with BERTH_NETWORK in its environment');
    wt.write('compose.yaml', wt.read('compose.yaml').replace('      WHO: "${WHO}"\n', '      WHO: "${WHO}"\n      LEAK: "${BERTH_NETWORK}"\n      OTHER: "${OTHER_APP_SECRET}"\n'));
    wt.commitAll('reads berth\'s env and another app\'s config');
    const pushed = wt.push(berth.url, berth.token, app);
    // The next tests push the fixture's own file, whatever this one found.
    wt.git(['checkout', '-q', 'HEAD~1', '--', 'compose.yaml']);
    wt.commitAll('back to the fixture');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /compose\.yaml: config vars are not set \(set each with `berth config:set <app> NAME=…` or give a default, \$\{NAME:-value\}\):/);
    const listed = [...pushed.output.matchAll(/- (services\.\S+ uses \$\{\w+\}, which is not set)/g)].map((m) => m[1]);
    assert.deepEqual(listed, [
      'services.worker.environment.WHO uses ${WHO}, which is not set',
      'services.worker.environment.LEAK uses ${BERTH_NETWORK}, which is not set',
      'services.worker.environment.OTHER uses ${OTHER_APP_SECRET}, which is not set',
    ], pushed.output);
    assert.doesNotMatch(pushed.output, /s3cret/);
    assert.doesNotMatch(pushed.output, /Building with|Building web from/, 'refused before any build');
  });

  it('builds web and worker from their own Dockerfiles in one push; migrate runs once, to completion, before web starts', async () => {
    assert.equal(berth.cli(['config:set', app, 'WHO=tester', '--no-restart']).code, 0);
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    firstPush = pushed.output;
    assert.match(firstPush, /Deploying compose\.yaml: worker, migrate \(once\), web/);
    assert.match(firstPush, /Building web from \.\/Dockerfile \(the release's image\)/);
    assert.match(firstPush, /Building worker, migrate from worker\/Dockerfile/);
    assert.match(firstPush, /migrate \| migration done[\s\S]*migrate completed \(exit 0\)[\s\S]*Starting 1 web container/);
    assert.equal(await serving(), 'compose builds web v1');
    // web saw migrate's file when it started: migrate ran first, in worker's image.
    assert.equal(await serving('/migrated-at-start.txt'), 'migrated by built from worker/Dockerfile');
    // ${GREETING:-hello} took its default; $$5 is a literal $5; ${WHO} is the config var.
    await waitFor('the worker\'s note', async () => (await serving('/cgi-bin/info')).includes('worker: built from'), 30_000);
    assert.equal(await serving('/cgi-bin/info'), 'greeting=hello price=$5\nworker: built from worker/Dockerfile who=tester');
    // Each service runs its own image, tagged per release; migrate is no process type.
    assert.deepEqual([containers('web').map(imageOf), containers('worker').map(imageOf), containers('migrate')],
      [[`berth/${app}:v1`], [`berth/${app}:v1-worker`], []]);
    assert.notEqual(docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${app}:v1`]), docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${app}:v1-worker`]));
    assert.equal(docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${app}:v1-migrate`]), docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${app}:v1-worker`]));
    assert.equal(docker(['images', '-q', '--filter', `reference=berth/${app}:build-*`]), '', 'no build tags are left');
  });

  it('shows a viewer the release with interpolated config values cut out, as its config', async () => {
    const viewer = await berth.api('POST', '/api/v1/users', { name: uniqueName('cview'), role: 'viewer' });
    assert.equal(viewer.status, 201, viewer.text);
    const workerEnv = async (token: string) => (await berth.api('GET', `/api/v1/apps/${app}/releases`, undefined, token)).json.releases[0].manifest.compose.services.worker.environment;
    assert.deepEqual(await workerEnv(berth.token), { WHO: 'tester' });
    assert.deepEqual(await workerEnv(viewer.json.token as string), { WHO: '[hidden]' });
  });

  it('mounts :ro read-only: web reads the shared volume and cannot write it; the worker can', async () => {
    const [web] = containers('web');
    const write = spawnSync('docker', ['exec', web, 'sh', '-c', 'echo x >/shared/from-web'], { encoding: 'utf8' });
    assert.notEqual(write.status, 0);
    assert.match(write.stderr, /Read-only file system/);
    const [worker] = containers('worker');
    assert.equal(spawnSync('docker', ['exec', worker, 'sh', '-c', 'echo x >/shared/from-worker']).status, 0);
  });

  it('a failing one-shot fails the deploy: web and worker are not replaced, v1 keeps serving', async () => {
    const before = [...containers('web'), ...containers('worker')].sort();
    wt.write('www/index.html', 'compose builds web v2\n');
    wt.write('worker/migrate.sh', wt.read('worker/migrate.sh').replace('echo "migration done"', 'echo "migration done"\nexit 3'));
    wt.commitAll('v2, migrate fails');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /Compose service migrate exited with code 3; the services waiting for it did not start and the previous release keeps serving\./);
    assert.doesNotMatch(pushed.output, /Starting 1 web container/);
    assert.equal(await serving(), 'compose builds web v1');
    assert.deepEqual([...containers('web'), ...containers('worker')].sort(), before);
  });

  it('rolls back with each service\'s own image: v1-worker is tagged again for the new release', async () => {
    wt.git(['checkout', '-q', 'HEAD~1', '--', 'worker/migrate.sh']);
    wt.commitAll('v2');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal(await serving(), 'compose builds web v2');
    const versions = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases.map((r: { version: number }) => r.version) as number[];
    const v2 = Math.max(...versions);
    const rolled = berth.cli(['releases:rollback', app, 'v1']);
    assert.equal(rolled.code, 0, `${rolled.stdout}${rolled.stderr}`);
    assert.equal(await serving(), 'compose builds web v1');
    await waitFor('one worker of the rollback release', () => containers('worker').map(imageOf).join() === `berth/${app}:v${v2 + 1}-worker`, 30_000);
    assert.equal(docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${app}:v${v2 + 1}-worker`]), docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${app}:v1-worker`]));
  });

  it('refuses a build context outside the repo (../, a symlink) and an anonymous volume, each with its reason, and keeps serving', async () => {
    const fixture = wt.read('compose.yaml');
    wt.write('compose.yaml', fixture.replace('    build: ./worker\n    environment:', '    build: ../\n    environment:').replace('    volumes: ["shared:/shared"]\n', '    volumes: ["shared:/shared", "/cache"]\n'));
    wt.commitAll('worker built from the parent folder, with an anonymous volume');
    const up = wt.push(berth.url, berth.token, app);
    assert.notEqual(up.code, 0);
    assert.match(up.output, /- services\.worker\.build\.context: "\.\.\/" is outside the repo; berth builds from the pushed repo only/);
    assert.match(up.output, /- services\.worker\.volumes "\/cache": an anonymous volume is lost at every deploy; name it under top-level `volumes:`/);
    fs.symlinkSync('..', path.join(wt.dir, 'escape'));
    wt.write('compose.yaml', fixture.replace('    build: ./worker\n    environment:', '    build: ./escape\n    environment:'));
    wt.commitAll('worker built from a symlink to the parent folder');
    const linked = wt.push(berth.url, berth.token, app);
    assert.notEqual(linked.code, 0);
    assert.match(linked.output, /compose\.yaml: build "escape" \(dockerfile Dockerfile\): "escape" is a symlink; berth builds from the repo's own folders and files only\./);
    assert.doesNotMatch(linked.output, /Building with|Building web from/, 'refused before any build');
    assert.equal(await serving(), 'compose builds web v1');
  });

  it('deploys a file where no service builds: local images only, the release image is the app\'s own, not the shared one', async () => {
    const images = uniqueName('cimages');
    const iwt = WorkTree.fromFixture('compose-images-app');
    try {
      assert.equal(berth.cli(['apps:create', images]).code, 0);
      assert.equal(berth.cli(['config:set', images, 'GREETING=hi from config', '--no-restart']).code, 0);
      const pushed = iwt.push(berth.url, berth.token, images);
      assert.equal(pushed.code, 0, pushed.output);
      assert.match(pushed.output, /No service builds: the release's image is berth\/busybox:latest, labelled as .*'s/);
      assert.equal((await berth.viaRouter(`${images}.localhost`, '/')).text.trim(), 'images only, hi from config');
      const shared = docker(['image', 'inspect', '--format', '{{.Id}}', 'berth/busybox:latest']);
      assert.notEqual(docker(['image', 'inspect', '--format', '{{.Id}}', `berth/${images}:v1`]), shared);
      assert.doesNotMatch(docker(['image', 'inspect', '--format', '{{json .RepoTags}}', 'berth/busybox:latest']), new RegExp(images));
      // The shared image stays usable by another app: the compose app at hand runs it as a service of its own.
      wt.write('compose.yaml', wt.read('compose.yaml').replace('    build: ./escape\n', '    build: ./worker\n').replace('\nvolumes:', '\n  tool:\n    image: berth/busybox:latest\n    command: ["sleep", "3600"]\nvolumes:'));
      fs.rmSync(path.join(wt.dir, 'escape'));
      wt.commitAll('a busybox service');
      const again = wt.push(berth.url, berth.token, app);
      assert.equal(again.code, 0, again.output);
      assert.equal(containers('tool').length, 1);
    } finally {
      iwt.remove();
    }
  });
});
