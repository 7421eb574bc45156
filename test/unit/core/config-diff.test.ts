import assert from 'node:assert/strict';
import { configDiff, describeDiff } from '../../../app/config-vars';

describe('config diff (what a rollback changes)', () => {
  it('names added, removed and changed vars, sorted, and never their values', () => {
    const d = configDiff({ A: '1', B: '2', C: '3' }, { B: '2', C: 'x', D: '4', AA: '5' });
    assert.deepEqual(d, { added: ['AA', 'D'], removed: ['A'], changed: ['C'] });
    assert.equal(describeDiff(d), 'set AA, set D, changed C, unset A');
    assert.equal(describeDiff(configDiff({ A: '1' }, { A: '1' })), 'no change');
  });
});
