import assert from 'node:assert/strict';
import { cidrRange, freeSubnet, parseSubnetPool } from '../../../app/infra/docker/subnet-pool';

describe('app network subnets', () => {
  const pool = parseSubnetPool('10.240.0.0/16', 24);

  it('gives each app network the first /24 of the pool that no network uses', () => {
    assert.equal(freeSubnet(pool, []), '10.240.0.0/24');
    assert.equal(freeSubnet(pool, ['172.17.0.0/16', '10.240.0.0/24', 'fd00::/64']), '10.240.1.0/24');
    assert.equal(freeSubnet(pool, ['10.240.0.0/23', '10.240.3.0/24']), '10.240.2.0/24');
  });

  it('with skip, the free subnet that many further on, wrapping round the free ones', () => {
    const small = parseSubnetPool('10.240.0.0/22', 24);
    assert.equal(freeSubnet(small, ['10.240.1.0/24'], 1), '10.240.2.0/24');
    assert.equal(freeSubnet(small, ['10.240.1.0/24'], 2), '10.240.3.0/24');
    assert.equal(freeSubnet(small, ['10.240.1.0/24'], 3), '10.240.0.0/24');
  });

  it('says so when the pool is full, and refuses pools that are not IPv4 networks', () => {
    assert.throws(() => freeSubnet(pool, ['10.0.0.0/8']), /No free \/24 subnet is left in BERTH_APP_SUBNETS=10\.240\.0\.0\/16/);
    for (const bad of ['10.240.0.0', 'fd00::/64', '10.240.0.0/25', 'x/16']) assert.throws(() => parseSubnetPool(bad, 24), { code: 'INVALID_CONFIG' }, bad);
    assert.deepEqual(cidrRange('10.240.1.7/24'), { start: cidrRange('10.240.1.0/32')!.start, end: cidrRange('10.240.1.255/32')!.end });
  });
});
