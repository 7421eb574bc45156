import assert from 'node:assert/strict';
import { describeBuild } from '../../../app/builds';
import { createViews } from '../../../app/http/dashboard/views';

describe('build descriptions', () => {
  it('say the kind and what it works on once', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    assert.equal(describeBuild({ kind: 'config', source: 'config change' }), 'config change');
    assert.equal(describeBuild({ kind: 'archive', source: 'archive upload' }), 'archive upload');
    assert.equal(describeBuild({ kind: 'config', source: 'renamed from shop' }), 'config renamed from shop');
    assert.equal(describeBuild({ kind: 'push', source: sha }), 'push 0123456');
    assert.equal(describeBuild({ kind: 'rebuild', source: sha }), 'rebuild 0123456');
    assert.equal(describeBuild({ kind: 'rollback', source: 'v3' }), 'rollback v3');
    assert.equal(describeBuild({ kind: 'image', source: 'nginx:1.25' }), 'image nginx:1.25');
    assert.equal(describeBuild({ kind: 'scale', source: '{"web":2,"worker":0}' }), 'scale web=2 worker=0');
    assert.equal(describeBuild({ kind: 'stop', source: '' }), 'stop');
    assert.equal(describeBuild({ kind: 'restart', source: null }), 'restart');
    assert.equal(describeBuild({ kind: 'configure', source: 'config change' }), 'configure config change', 'a prefix of the kind is no repeat');
  });

  it('the dashboard gets them through its buildwhat filter', () => {
    const views = createViews();
    const b = { id: 4, kind: 'config', source: 'config change', status: 'succeeded', createdAt: new Date().toISOString(), releaseVersion: 2 };
    const out = views.renderString('{{ b | buildwhat }}', { b });
    assert.equal(out, 'config change');
  });
});
