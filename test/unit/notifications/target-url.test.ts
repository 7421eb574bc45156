import assert from 'node:assert/strict';
import { isBerthError } from '../../../app/errors';
import { checkTargetAddresses, parseTarget, refusedAddress, type AddressRules } from '../../../app/notifications';

const RULES: AddressRules = { ownPorts: new Set([8380, 6379, 80]), localAddresses: () => ['10.1.2.3', '172.17.0.1'] };

const codeOf = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'accepted';
  } catch (e) {
    return isBerthError(e) ? e.code : `not a berth error: ${String(e)}`;
  }
};

describe('notification targets: form and addresses (SSRF)', () => {
  it('reads webhook, Slack and email targets and refuses every other scheme', async () => {
    assert.deepEqual(parseTarget('https://example.com/hook?x=1'), { type: 'webhook', url: 'https://example.com/hook?x=1' });
    assert.deepEqual(parseTarget('https://hooks.slack.com/services/T/B/X'), { type: 'slack', url: 'https://hooks.slack.com/services/T/B/X' });
    assert.deepEqual(parseTarget('http://127.0.0.1:9000/s', 'slack'), { type: 'slack', url: 'http://127.0.0.1:9000/s' });
    assert.deepEqual(parseTarget('mailto:ops@example.com, dev@example.org'), { type: 'email', url: 'mailto:ops@example.com,dev@example.org' });
    for (const bad of ['file:///etc/passwd', 'gopher://x/', 'ftp://x/', 'javascript:alert(1)', 'mailto:not-an-address', 'mailto:a@b.c\r\nBcc: x@y.z', '', 'no scheme', 42]) {
      assert.equal(await codeOf(() => parseTarget(bad)), 'INVALID_NOTIFICATION_TARGET', String(bad));
    }
    assert.equal(await codeOf(() => parseTarget('https://x.example/', 'irc')), 'INVALID_NOTIFICATION_TARGET');
    assert.equal(await codeOf(() => parseTarget('mailto:a@example.com', 'slack')), 'INVALID_NOTIFICATION_TARGET');
  });

  it('refuses link-local, metadata, unspecified and multicast addresses, in every spelling, on any port', () => {
    for (const a of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'FE80::abcd', 'fd00:ec2::254', '100.100.100.200', '0.0.0.0', '::', '224.0.0.1', 'ff02::1',
      '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:a9fe:a9fe']) {
      assert.notEqual(refusedAddress(a, 4000, RULES), null, a);
    }
  });

  it('refuses berth\'s own ports on loopback and this host\'s addresses only', () => {
    for (const [a, port] of [['127.0.0.1', 8380], ['127.9.9.9', 6379], ['::1', 80], ['::ffff:7f00:1', 8380], ['10.1.2.3', 8380], ['172.17.0.1', 6379]] as const) {
      assert.match(refusedAddress(a, port, RULES) ?? '', /one of berth's own/, `${a}:${port}`);
    }
    for (const [a, port] of [['127.0.0.1', 9000], ['10.1.2.4', 8380], ['93.184.216.34', 80], ['2001:db8::1', 443]] as const) {
      assert.equal(refusedAddress(a, port, RULES), null, `${a}:${port}`);
    }
  });

  it('checks every address a name resolves to, and literal addresses without resolving', async () => {
    const resolve = async (host: string) => ({ 'both.example': ['93.184.216.34', '169.254.169.254'], 'local.example': ['127.0.0.1'], 'ok.example': ['93.184.216.34'] } as Record<string, string[]>)[host] ?? Promise.reject(new Error('ENOTFOUND'));
    assert.equal(await codeOf(checkTargetAddresses('http://both.example/', RULES, resolve)), 'NOTIFICATION_TARGET_FORBIDDEN');
    assert.equal(await codeOf(checkTargetAddresses('http://local.example:8380/', RULES, resolve)), 'NOTIFICATION_TARGET_FORBIDDEN');
    assert.equal(await codeOf(checkTargetAddresses('http://local.example/', RULES, resolve)), 'NOTIFICATION_TARGET_FORBIDDEN');
    assert.equal(await codeOf(checkTargetAddresses('https://local.example/', RULES, resolve)), 'accepted');
    assert.equal(await codeOf(checkTargetAddresses('http://ok.example/', RULES, resolve)), 'accepted');
    assert.equal(await codeOf(checkTargetAddresses('http://[fe80::1]:9000/', RULES, resolve)), 'NOTIFICATION_TARGET_FORBIDDEN');
    assert.equal(await codeOf(checkTargetAddresses('http://nowhere.example/', RULES, resolve)), 'INVALID_NOTIFICATION_TARGET');
    assert.equal(await codeOf(checkTargetAddresses('mailto:a@example.com', RULES, resolve)), 'accepted');
  });
});
