import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readPushEvent, verifyDelivery } from '../../../app/forge';

const SECRET = 's3cret-of-the-webhook';
const BODY = Buffer.from('{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}');
const hex = (secret: string, body: Buffer) => crypto.createHmac('sha256', secret).update(body).digest('hex');

describe('forge: each forge\'s proof that it sent a delivery', () => {
  it('GitHub: X-Hub-Signature-256 is sha256=<HMAC-SHA256 of the raw body>', () => {
    assert.equal(verifyDelivery('github', { secret: SECRET, body: BODY, headers: { 'x-hub-signature-256': `sha256=${hex(SECRET, BODY)}` } }), true);
    assert.equal(verifyDelivery('github', { secret: SECRET, body: BODY, headers: { 'x-hub-signature-256': hex(SECRET, BODY) } }), false, 'without the prefix');
    assert.equal(verifyDelivery('github', { secret: SECRET, body: Buffer.concat([BODY, Buffer.from(' ')]), headers: { 'x-hub-signature-256': `sha256=${hex(SECRET, BODY)}` } }), false, 'another body');
    assert.equal(verifyDelivery('github', { secret: SECRET, body: BODY, headers: { 'x-hub-signature-256': `sha256=${hex('other', BODY)}` } }), false, 'another secret');
    assert.equal(verifyDelivery('github', { secret: SECRET, body: BODY, headers: {} }), false, 'no signature');
    // GitLab's header proves nothing to the GitHub scheme.
    assert.equal(verifyDelivery('github', { secret: SECRET, body: BODY, headers: { 'x-gitlab-token': SECRET } }), false);
  });

  it('Gitea: X-Gitea-Signature is the bare hex HMAC-SHA256', () => {
    assert.equal(verifyDelivery('gitea', { secret: SECRET, body: BODY, headers: { 'x-gitea-signature': hex(SECRET, BODY) } }), true);
    assert.equal(verifyDelivery('gitea', { secret: SECRET, body: BODY, headers: { 'x-gitea-signature': hex('other', BODY) } }), false);
    assert.equal(verifyDelivery('gitea', { secret: SECRET, body: BODY, headers: { 'x-hub-signature-256': `sha256=${hex(SECRET, BODY)}` } }), false);
  });

  it('GitLab: X-Gitlab-Token is the secret itself (compared in constant time)', () => {
    assert.equal(verifyDelivery('gitlab', { secret: SECRET, body: BODY, headers: { 'x-gitlab-token': SECRET } }), true);
    assert.equal(verifyDelivery('gitlab', { secret: SECRET, body: BODY, headers: { 'x-gitlab-token': `${SECRET}x` } }), false);
    assert.equal(verifyDelivery('gitlab', { secret: SECRET, body: BODY, headers: { 'x-gitlab-token': SECRET.slice(0, -1) } }), false);
    assert.equal(verifyDelivery('gitlab', { secret: SECRET, body: BODY, headers: { 'x-gitlab-token': ['a', 'b'] } }), false, 'a repeated header');
  });

  it('reads each forge\'s push: event, delivery id, branch, commit and clone URL', () => {
    const after = '0123456789abcdef0123456789abcdef01234567';
    assert.deepEqual(readPushEvent('github', { 'x-github-event': 'push', 'x-github-delivery': 'd1' }, { ref: 'refs/heads/main', after, repository: { clone_url: 'https://github.com/a/b.git' } }),
      { event: 'push', isPush: true, delivery: 'd1', ref: 'refs/heads/main', after, cloneUrl: 'https://github.com/a/b.git', sshUrl: null });
    assert.deepEqual(readPushEvent('gitlab', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'u1' }, { object_kind: 'push', ref: 'refs/heads/main', after, project: { git_http_url: 'https://gitlab.com/a/b.git', git_ssh_url: 'git@gitlab.com:a/b.git' } }),
      { event: 'Push Hook', isPush: true, delivery: 'u1', ref: 'refs/heads/main', after, cloneUrl: 'https://gitlab.com/a/b.git', sshUrl: 'git@gitlab.com:a/b.git' });
    assert.deepEqual(readPushEvent('gitea', { 'x-gitea-event': 'push' }, { ref: 'refs/heads/main', after, repository: { clone_url: 'https://gitea.example.com/a/b.git' } }),
      { event: 'push', isPush: true, delivery: null, ref: 'refs/heads/main', after, cloneUrl: 'https://gitea.example.com/a/b.git', sshUrl: null });
    assert.equal(readPushEvent('gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, { object_kind: 'tag_push' }).isPush, false);
  });
});
