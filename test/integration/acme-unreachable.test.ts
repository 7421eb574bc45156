import assert from 'node:assert/strict';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';

/** letsencrypt:enable when the ACME directory cannot be reached: a clear ACME_FAILED, and soon. */
describe('router: ACME server unreachable', function () {
  this.timeout(120_000);
  const app = uniqueName('acme-down');
  // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
  const DIRECTORY = 'http://127.0.0.1:9/directory';

  const berth = useBerth({ BERTH_ACME_DIRECTORY: DIRECTORY });
  before(async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
  });

  it('letsencrypt:enable answers 422 ACME_FAILED naming the server it could not reach', async function () {
    // Not a speed test: a generous bound that acme-client's default retries (5, waiting 5…25 s: 75 s) exceed.
    this.timeout(45_000);
    const r = await berth.api('POST', `/api/v1/apps/${app}/letsencrypt`, { email: 'ops@example.test' });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'ACME_FAILED');
    assert.match(r.json.error.message, /The ACME server at http:\/\/127\.0\.0\.1:9\/directory could not be reached \(ECONNREFUSED\)/);
    const status = await berth.api('GET', `/api/v1/apps/${app}/letsencrypt`);
    assert.equal(status.json.letsencrypt.enabled, false, 'a failure enables nothing');
  });

  it('the CLI prints the same message', () => {
    const r = berth.cli(['letsencrypt:enable', app]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /could not be reached \(ECONNREFUSED\); check BERTH_ACME_DIRECTORY/);
  });
});
