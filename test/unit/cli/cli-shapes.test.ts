import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../../../app/cli');

/**
 * What the CLI reads and sends is typed by the API contract (app/cli/api-types.ts), not by shapes spelled
 * at the call: `get<{ app: … }>(…)` and `json<{ … }>(…)` would drift from the server unseen.
 */
const SPELLED_AT_THE_CALL: Readonly<Record<string, string>> = {
  // The contract's types with the fields older servers leave out made optional (a newer CLI on an older berth).
  'verbs/resource.ts': 'ResourcesView with `applied` optional',
  'verbs/ps.ts': 'the process report with the fields older servers leave out optional',
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the CLI reads the API through the contract (issue 18)', () => {
  it('no call spells a response shape inline, but those listed with their reason', () => {
    const spelled = sources(CLI)
      .filter((f) => /\.(get|json|post|put|patch|del|delete)<\{/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(CLI, f).split(path.sep).join('/'))
      .sort();
    assert.deepEqual(spelled, Object.keys(SPELLED_AT_THE_CALL).sort());
  });
});
