import assert from 'node:assert/strict';
import { isOwnAddress } from '../../app/registry-auth/own-address';

describe('registry hosts that are this machine\'s own addresses', () => {
  it('loopback, link-local, unspecified and localhost names are own; others are not', async () => {
    for (const h of ['127.0.0.1:5000', '127.9.9.9', 'localhost:5000', 'reg.localhost', '169.254.169.254', '0.0.0.0:80', '::1', 'fe80::1', '::ffff:127.0.0.1']) {
      assert.equal(await isOwnAddress(h), true, h);
    }
    const { spawnSync } = await import('node:child_process');
    // Every IPv4 address this host holds (docker0's included, up or down), as `ip` lists them.
    const own = spawnSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' }).stdout.split('\n')
      .map((l) => /inet (\d+\.\d+\.\d+\.\d+)\//.exec(l)?.[1]).filter((a): a is string => !!a && !a.startsWith('127.'));
    assert.ok(own.length > 0, 'this host has a non-loopback address');
    for (const a of own) assert.equal(await isOwnAddress(`${a}:5000`), true, `this host's interface address ${a}`);
    for (const h of ['10.0.0.5:5000', '192.168.1.2', '8.8.8.8', 'fd00::1']) {
      assert.equal(await isOwnAddress(h), false, h);
    }
  });
});
