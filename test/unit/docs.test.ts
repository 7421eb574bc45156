import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderErrorsDoc } from '../../app/errors';
import { renderConfigDoc, documentedSettings } from '../../app/config/config-doc';

const ROOT = path.resolve(__dirname, '../../..');

describe('generated docs', () => {
  it('docs/errors.md matches the error catalogue (regenerate: node deploy/gen-docs.js)', () => {
    assert.equal(fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8'), renderErrorsDoc());
  });

  it('docs/configuration.md documents every setting loadConfig reads', () => {
    const source = fs.readFileSync(path.join(ROOT, 'app/config/index.ts'), 'utf8');
    const read = new Set([...source.matchAll(/env(?:\.|, ')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    const documented = new Set(documentedSettings(source).map((s) => s.name));
    for (const name of read) assert.ok(documented.has(name), `${name} is read but not documented`);
    assert.equal(fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8'), renderConfigDoc(path.join(ROOT, 'app/config/index.ts')));
  });
});
