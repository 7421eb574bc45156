import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from '../../../app/cli';

// dist/test/unit/cli → the checkout
const DOC = path.resolve(__dirname, '../../../../docs/cli.md');

describe('docs/cli.md', () => {
  it('is what renderMarkdown() generates from the registry', () => {
    const regenerate = 'regenerate it: npx tsc -p tsconfig.json && node -e "fs.writeFileSync(\'docs/cli.md\', require(\'./dist/app/cli/help\').renderMarkdown())"';
    assert.ok(fs.existsSync(DOC), `docs/cli.md is missing; ${regenerate}`);
    assert.equal(fs.readFileSync(DOC, 'utf8'), renderMarkdown(), `docs/cli.md is out of date; ${regenerate}`);
  });
});
