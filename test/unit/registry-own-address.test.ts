import assert from 'node:assert/strict';
import { isOwnAddress } from '../../app/registry-auth/own-address';

describe('registry hosts that are this machine\'s own addresses', () => {
  it('loopback, link-local, unspecified and localhost names are own; others are not', async () => {
    for (const h of ['127.0.0.1:5000', '127.9.9.9', 'localhost:5000', 'reg.localhost', '169.254.169.254', '0.0.0.0:80', '::1', 'fe80::1', '::ffff:127.0.0.1']) {
      assert.equal(await isOwnAddress(h), true, h);
    }
    for (const h of ['10.0.0.5:5000', '172.17.0.1:5000', '192.168.1.2', '8.8.8.8', 'fd00::1']) {
      assert.equal(await isOwnAddress(h), false, h);
    }
  });
});
