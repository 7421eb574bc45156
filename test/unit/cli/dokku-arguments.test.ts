import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { runCli } from '../../../app/cli';
import { berthBuildpack } from '../../../app/cli/buildpack-urls';
import { Capture, FakeBerth, run, useFakeBerth } from './cli-harness';

/** dokku's arguments for builder/buildpacks/scheduler, --parallel, network and git:sync, against a fake berth. */
describe('cli: more of dokku\'s verbs and arguments', function () {
  this.timeout(10_000);
  let fake: FakeBerth;
  let env: Record<string, string>;
  useFakeBerth((f, e) => { fake = f; env = e; });
  const asked = () => fake.seen.map((s) => `${s.method} ${s.url} ${JSON.stringify(s.body ?? null)}`);
  const APP = { name: 'web', deployBranch: 'main', builder: null, buildpack: null };

  it('buildpack URLs and ids of dokku name berth\'s buildpack; an unknown one is refused by name', () => {
    assert.equal(berthBuildpack('https://github.com/heroku/heroku-buildpack-nodejs.git#v250'), 'node');
    assert.equal(berthBuildpack('https://github.com/heroku/heroku-buildpack-python'), 'python');
    assert.equal(berthBuildpack('heroku/go'), 'go');
    assert.equal(berthBuildpack('https://github.com/dokku/buildpack-nginx.git'), 'static');
    assert.equal(berthBuildpack('git@github.com:heroku/heroku-buildpack-procfile.git'), 'procfile');
    assert.equal(berthBuildpack('node'), 'node');
    assert.throws(() => berthBuildpack('https://github.com/heroku/heroku-buildpack-ruby.git'), /berth has no buildpack like https:\/\/github\.com\/heroku\/heroku-buildpack-ruby\.git/);
  });

  it('buildpacks:set <app> <url>; buildpacks:add sets the first and refuses a second; --index other than 1 is a usage error', async () => {
    fake.json('PATCH /api/v1/apps/web/builder', 200, { app: { ...APP, buildpack: 'node' } });
    assert.equal((await run(['buildpacks:set', 'web', 'https://github.com/heroku/heroku-buildpack-nodejs.git'], env)).stdout, '-----> web buildpack: node\n');
    fake.json('GET /api/v1/apps/web', 200, { app: { ...APP, buildpack: 'python' } });
    const second = await run(['buildpacks:add', 'web', 'heroku/nodejs'], env);
    assert.deepEqual([second.code, second.stderr.split('\n')[0]], [1, '!     web builds with the python buildpack; berth runs one buildpack per app, so node cannot be added.']);
    const index = await run(['buildpacks:set', '--index', '2', 'web', 'node'], env);
    assert.equal(index.code, 1);
    assert.match(index.stderr, /berth runs one buildpack per app, so --index 2 is not there/);
    assert.deepEqual(asked(), ['PATCH /api/v1/apps/web/builder {"buildpack":"node"}', 'GET /api/v1/apps/web null']);
  });

  it('builder:set <app> selected <builder> and scheduler:set <app> selected <scheduler> (dokku\'s form); no value resets', async () => {
    fake.json('PATCH /api/v1/apps/web/builder', 200, { app: { ...APP, builder: 'buildpack' } });
    fake.json('PATCH /api/v1/apps/web/scheduler', 200, { scheduler: 'docker-local' });
    assert.equal((await run(['builder:set', 'web', 'selected', 'herokuish'], env)).code, 0);
    assert.equal((await run(['builder:set', 'web', 'selected'], env)).code, 0);
    assert.equal((await run(['scheduler:set', 'web', 'selected', 'docker-local'], env)).code, 0);
    assert.equal((await run(['scheduler:set', 'web', 'selected'], env)).code, 0);
    const nix = await run(['builder:set', 'web', 'selected', 'nixpacks'], env);
    assert.deepEqual([nix.code, nix.stderr.split('\n')[0]], [1, '!     berth has no nixpacks builder: it builds with a Dockerfile or its buildpacks (dockerfile, buildpack — dokku\'s herokuish and pack —, or auto).']);
    assert.deepEqual(asked(), [
      'PATCH /api/v1/apps/web/builder {"builder":"buildpack"}', 'PATCH /api/v1/apps/web/builder {"builder":"auto"}',
      'PATCH /api/v1/apps/web/scheduler {"scheduler":"docker-local"}', 'PATCH /api/v1/apps/web/scheduler {"scheduler":"default"}',
    ]);
  });

  it('ps:restart --all --parallel 2 restarts every app, two at a time; --parallel without --all is refused', async () => {
    fake.json('GET /api/v1/apps', 200, { apps: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    // Answers are held until two restarts are open at once (or, were they sent one by one, a moment later).
    let open = 0;
    let most = 0;
    let held: (() => void)[] = [];
    const release = () => { const h = held; held = []; for (const f of h) f(); };
    for (const app of ['a', 'b', 'c']) {
      fake.on(`POST /api/v1/apps/${app}/ps/restart`, (_q, res) => {
        open++; most = Math.max(most, open);
        held.push(() => { open--; res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ build: { id: 1 } })); });
        if (open === 2) release(); else setTimeout(release, 200);
      });
    }
    const r = await run(['ps:restart', '--all', '--parallel', '2', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fake.seen.map((s) => s.url).sort(), ['/api/v1/apps', '/api/v1/apps/a/ps/restart', '/api/v1/apps/b/ps/restart', '/api/v1/apps/c/ps/restart']);
    assert.equal(most, 2);
    assert.match((await run(['ps:restart', 'a', '--parallel', '2'], env)).stderr, /--parallel goes with --all/);
    assert.match((await run(['ps:restart', '--all', '--parallel', 'x'], env)).stderr, /--parallel takes a number of apps at a time/);
  });

  it('network:create and network:set are refused (one network per app); network:report shows the web listeners', async () => {
    const create = await run(['network:create', 'shared'], env);
    assert.deepEqual([create.code, create.stderr.split('\n')[0]], [1, '!     berth makes no shared networks. berth gives every app a network of its own, holding only its containers and the services linked to it; apps reach services with <service>:link and each other through their URLs.']);
    const set = await run(['network:set', 'web', 'attach-post-deploy', 'other-apps-net'], env);
    assert.equal(set.code, 1);
    assert.match(set.stderr, /^!     web stays on its own network: berth has no attach-post-deploy setting\./);
    fake.json('GET /api/v1/apps/web/ps', 200, { report: { processes: [{ type: 'web', containers: [{ ip: '10.1.0.2' }, { ip: '10.1.0.3' }] }] } });
    assert.equal((await run(['network:report', 'web', '--network-web-listeners'], env)).stdout, '10.1.0.2 10.1.0.3\n');
    assert.deepEqual(asked(), ['GET /api/v1/apps/web/ps null']);
  });

  it('git:sync without --build or --build-if-changes is a usage error (berth keeps no code it does not deploy), before asking berth anything', async () => {
    const r = await run(['git:sync', 'web', 'https://example.test/repo.git', 'main'], env);
    assert.deepEqual([r.code, r.stderr.split('\n')[0]], [1, '!     berth keeps no code it does not deploy, so git:sync needs --build or --build-if-changes']);
    assert.deepEqual(fake.seen, []);
  });

  it('misuse: import:dokku over SSH reads nothing on berth\'s disk (LOCAL_FILE_OVER_SSH), before asking berth anything', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(['import:dokku', '/'], { stdout, stderr, stdin: Readable.from([]), env, cwd: process.cwd(), localFiles: false });
    assert.equal(code, 1);
    assert.match(stderr.text, /^!     Over SSH berth reads no file you name \(it would be berth's own disk\)/);
    assert.deepEqual(fake.seen, []);
  });

  it('misuse: git:sync over SSH fetches nothing on berth\'s host (its network and disk), before asking berth anything', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(['git:sync', '--build', 'web', 'file:///etc'], { stdout, stderr, stdin: Readable.from([]), env, cwd: process.cwd(), localFiles: false });
    assert.deepEqual([code, stderr.text], [1, '!     Over SSH, git:sync would fetch a path on berth\'s own host: give a network URL (https://, ssh://, git://), or run it with the berth CLI on your machine.\n']);
    assert.deepEqual(fake.seen, []);
  });
});
