import assert from 'node:assert/strict';
import { FakeBerth, run, useFakeBerth } from './cli-harness';

/**
 * Issue 20: "domains:set-global (or the install) gives berth a hostname". Global domains name apps
 * (<app>.<global>); berth's own address is the install's (--hostname). A dokku user setting the
 * global domain is told which, and how to set berth's own.
 */
describe("cli: the global-domain verbs say where berth's own address is set", function () {
  this.timeout(10_000);
  let fake: FakeBerth;
  let env: Record<string, string>;
  useFakeBerth((f, e) => { fake = f; env = e; });

  it('domains:set-global without an own address names the install command, with berth.<the global domain>', async () => {
    fake.json('GET /api/v1/domains', 200, { globalDomains: [], ownAddress: null });
    fake.json('PATCH /api/v1/domains', 200, { globalDomains: ['example.com'], ownAddress: null });
    const r = await run(['domains:set-global', 'example.com'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '=====> Global domains\nexample.com\n'
      + "berth's own address: none (global domains name apps only); give berth one on the server: sudo bash deploy/install.sh --hostname berth.example.com\n");
    assert.deepEqual(fake.seen.map((s) => [s.method, s.url, s.body]), [['GET', '/api/v1/domains', undefined], ['PATCH', '/api/v1/domains', { add: ['example.com'] }]]);
  });

  it('domains:report-global with an own address shows it and where it is set', async () => {
    fake.json('GET /api/v1/domains', 200, { globalDomains: ['example.com'], ownAddress: 'https://berth.example.com' });
    const r = await run(['domains:report-global'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '=====> Global domains\nexample.com\n'
      + "berth's own address: https://berth.example.com/ (set on the server by deploy/install.sh --hostname, not by global domains)\n");
  });
});
