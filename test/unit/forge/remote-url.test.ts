import assert from 'node:assert/strict';
import { checkRemoteUrl, type OwnEndpoints } from '../../../app/forge';

/** berth on 8380 (web) and 2222 (SSH), routed on 80/443, named paas.example.com; this host is 127.0.0.1 and 10.0.0.5. */
const OWN: OwnEndpoints = {
  ports: [8380, 2222, 80, 443], hostnames: ['paas.example.com'],
  isOwnAddress: async (host) => ['127.0.0.1', 'localhost', '10.0.0.5', '::1'].includes(host.toLowerCase()),
};

const codeOf = async (url: unknown): Promise<string> => {
  try {
    await checkRemoteUrl(url, OWN);
    return 'accepted';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('forge: which repository URLs git:sync and webhooks fetch from', () => {
  it('network repositories are taken as given, shown without credentials', async () => {
    assert.deepEqual(await checkRemoteUrl('https://github.com/acme/web.git', OWN), { url: 'https://github.com/acme/web.git', shown: 'https://github.com/acme/web.git' });
    assert.deepEqual(await checkRemoteUrl('git@gitlab.com:acme/web.git', OWN), { url: 'git@gitlab.com:acme/web.git', shown: 'gitlab.com:acme/web.git' });
    assert.deepEqual(await checkRemoteUrl('ssh://git@gitea.example.com:2200/acme/web.git', OWN), { url: 'ssh://git@gitea.example.com:2200/acme/web.git', shown: 'ssh://gitea.example.com:2200/acme/web.git' });
    // A forge on this host, on a port that is not berth's (the integration test's git daemon).
    assert.equal(await codeOf('git://127.0.0.1:9418/web.git'), 'accepted');
  });

  it('misuse: host files, commands and berth\'s own endpoints are refused, each with REPO_URL_REFUSED', async () => {
    for (const url of [
      'file:///etc', 'FILE:///srv/berth/repos/other.git', '/srv/berth/repos/other.git', './other.git', '../x', '~root/x', 'other',
      'ext::sh -c touch% /tmp/pwned'.replace(/ /g, ''), 'fd::17', 'ftp://example.com/x.git',
      'http://127.0.0.1:8380/git/other.git', 'http://localhost:8380/git/other.git', 'ssh://berth@127.0.0.1:2222/other',
      'http://10.0.0.5/git/other.git', 'https://[::1]:443/git/other.git', 'https://paas.example.com/git/other.git', 'https://PAAS.example.com:8443/x',
    ]) assert.equal(await codeOf(url), 'REPO_URL_REFUSED', url);
  });

  it('what is not a URL, or carries credentials or options, is INVALID_REPO_URL', async () => {
    for (const url of ['', 42, null, '-uhttps://x', 'https://u:p@github.com/x.git', 'https://token@github.com/x.git', 'https://github.com/a b', `https://x/${'a'.repeat(2100)}`, 'https://gi\nthub.com/x']) {
      assert.equal(await codeOf(url), 'INVALID_REPO_URL', String(url));
    }
  });
});
