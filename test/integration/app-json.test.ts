import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

const appJson = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
const CHECK = { type: 'startup', path: '/health.txt', content: 'ok', timeout: 1, attempts: 2, wait: 1 };

describe('app.json: health checks and deploy scripts', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const app = uniqueName('appjson');
  const serving = async () => (await berth.viaRouter(`${app}.localhost`)).text.trim();

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('oneoff-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal(await serving(), 'oneoff-app v1');
  });
  after(async () => {
    // The release images this file built (berth/<app>:vN).
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
  });

  it('refuses a deploy whose health check path does not answer with the content', async () => {
    wt.write('app.json', appJson({ healthchecks: { web: [{ ...CHECK, content: 'all systems go' }] } }));
    wt.write('www/index.html', 'should not serve\n');
    wt.commitAll('check fails');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /failed its health check: .*\/health\.txt.*did not contain "all systems go"/);
    assert.equal(await serving(), 'oneoff-app v1');
  });

  it('runs predeploy in the new image before the switch; a failure aborts the deploy', async () => {
    wt.write('app.json', appJson({ healthchecks: { web: [CHECK] }, scripts: { dokku: { predeploy: 'echo "predeploy sees $(cat /app/www/index.html)"; exit 5' } } }));
    wt.write('www/index.html', 'oneoff-app v2\n');
    wt.commitAll('predeploy fails');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /predeploy sees oneoff-app v2/);
    assert.match(pushed.output, /predeploy script \(app\.json scripts\.dokku\.predeploy\) exited with code 5/);
    assert.equal(await serving(), 'oneoff-app v1');
  });

  it('runs predeploy and postdeploy around a good deploy; releases keep their app.json', async () => {
    wt.write('app.json', appJson({ healthchecks: { web: [CHECK] }, scripts: { dokku: { predeploy: 'echo pre-ok', postdeploy: 'echo post-ok on $PORT' } } }));
    wt.commitAll('scripts pass');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /Running predeploy: echo pre-ok[\s\S]*pre-ok[\s\S]*Running postdeploy[\s\S]*post-ok on 5000/);
    assert.ok(pushed.output.indexOf('pre-ok') < pushed.output.indexOf('Routing'), 'predeploy runs before the switch');
    assert.equal(await serving(), 'oneoff-app v2');
    const releases = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.match(releases[0].appJson, /postdeploy/);
    assert.match(releases.at(-1).appJson, /health\.txt/);
  });

  it('rejects an invalid app.json before building, saying what to fix', async () => {
    wt.write('app.json', appJson({ healthchecks: { web: [{ path: 'health.txt' }] } }));
    wt.commitAll('bad path');
    let pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /app\.json: healthchecks\.web\[0\]\.path must start with \//);
    assert.doesNotMatch(pushed.output, /Step \d|COPY/, 'no docker build ran');

    wt.write('app.json', '{ "cron": [ { "command": "true", "schedule": "every minute" } ] }\n');
    wt.commitAll('bad cron');
    pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /app\.json: cron\[0\]\.schedule "every minute" has 2 fields/);

    wt.write('app.json', '{ "healthchecks": ');
    wt.commitAll('not json');
    pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /app\.json: not valid JSON/);
    assert.equal(await serving(), 'oneoff-app v2');
  });
});
