import assert from 'node:assert/strict';
import { keyValues, table } from '../../../app/cli/output';

/** What tables print may come from anyone (an audit event names a request's path): no raw ESC reaches the terminal. */
describe('cli output: control characters in values are shown, not sent to the terminal', () => {
  it('table and keyValues write ESC and BEL as \\xNN and keep the rest', () => {
    assert.equal(table(['MESSAGE'], [['x\u001b[2J\u001b[31mPWNED\u0007']]), 'MESSAGE\nx\\x1b[2J\\x1b[31mPWNED\\x07\n');
    assert.equal(keyValues([['Note', 'a\u009bb']]), 'Note:  a\\x9bb\n');
  });
});
