import assert from 'node:assert/strict';
import { sshSourceOf } from '../../../app/cli/dokku-import/ssh-copy';

describe('import:dokku: which sources are ssh hosts', () => {
  it('user@host, host:/root and ssh:// URLs are; paths, bare words and option-like hosts are not', () => {
    assert.deepEqual(sshSourceOf('root@dokku.example.com'), { destination: 'root@dokku.example.com', root: '/' });
    assert.deepEqual(sshSourceOf('dokku.example.com:/mnt/old'), { destination: 'dokku.example.com', root: '/mnt/old' });
    assert.deepEqual(sshSourceOf('ssh://root@10.0.0.5:2222/srv/dokku'), { destination: 'root@10.0.0.5', port: '2222', root: '/srv/dokku' });
    assert.deepEqual(sshSourceOf('ssh://host'), { destination: 'host', port: undefined, root: '/' });
    for (const notSsh of ['copy', './copy', '/tmp/copy', 'root@-oProxyCommand=x', '-oProxyCommand=x', 'host:relative', 'a b@host']) {
      assert.equal(sshSourceOf(notSsh), null, notSsh);
    }
  });
});
