import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderErrorsDoc } from '../../app/errors';
import { renderConfigDoc, documentedSettings } from '../../app/config/config-doc';
import { layerOf, moduleGraph, renderModuleGraph, withModuleGraph } from '../support/module-graph';

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

  it('docs/architecture.md carries the module graph of app/ as the imports make it, with no arrow from domain up to an edge, and the vocabulary a leaf', async function () {
    this.timeout(120_000);
    const graph = await moduleGraph(ROOT);
    const upward = [...graph.folders].flatMap(([from, tos]) => [...tos]
      .filter((to) => ['domain', 'vocabulary', 'ports', 'infra'].includes(layerOf(from)) && ['edge', 'boot'].includes(layerOf(to)))
      .map((to) => `${from} → ${to}`));
    assert.deepEqual(upward, []);
    // The shared vocabulary (app.json and its cron and compose plan, names, errors, config, the API contract) is a leaf: it imports only itself.
    const outOfLeaf = [...graph.folders].flatMap(([from, tos]) => [...tos]
      .filter((to) => layerOf(from) === 'vocabulary' && layerOf(to) !== 'vocabulary')
      .map((to) => `${from} → ${to}`));
    assert.deepEqual(outOfLeaf, []);
    const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    assert.equal(doc, withModuleGraph(doc, renderModuleGraph(graph)), 'regenerate: npm run build && node deploy/gen-docs.js');
  });
});
