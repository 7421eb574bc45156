import assert from 'node:assert/strict';
import { loadBuildpacks } from '../../../buildpacks';
import type { SourceView } from '../../../app/ports/buildpack';
import { fixtureSource, memorySource, render } from './sources';

/** The buildpack berth would pick: the first in order that detects the source. */
const pick = (source: SourceView): string | null => loadBuildpacks().find((b) => b.detect(source))?.name ?? null;

describe('buildpacks: detection', () => {
  it('tries node, python, go, static, procfile in that order', async () => {
    assert.deepEqual(loadBuildpacks().map((b) => b.name), ['node', 'python', 'go', 'static', 'procfile']);
  });

  it('says what each buildpack looks for', async () => {
    for (const b of loadBuildpacks()) assert.ok(b.looksFor.length > 0, b.name);
  });

  const expected: Record<string, string | null> = {
    'node-app': 'node',
    'python-app': 'python',
    'python-django-app': 'python',
    'go-app': 'go',
    'go-godir-app': 'go',
    'node-version-app': 'node',
    'node-ts-app': 'node',
    'node-yarn-app': 'node',
    'node-pnpm-app': 'node',
    'static-app': 'static',
    'procfile-app': 'procfile',
    'nothing-app': null,
  };
  for (const [fixture, name] of Object.entries(expected)) {
    it(`picks ${name ?? 'nothing'} for ${fixture}`, async () => {
      assert.equal(pick(fixtureSource(fixture)), name);
    });
  }

  it('every fixture but nothing-app renders a Dockerfile with its buildpack', async () => {
    for (const fixture of Object.keys(expected)) {
      const source = fixtureSource(fixture);
      const bp = loadBuildpacks().find((b) => b.detect(source));
      if (!bp) continue;
      assert.match(await render(bp, source), /^FROM /m, fixture);
    }
  });

  it('prefers the language over a Procfile or an index.html', async () => {
    assert.equal(pick(memorySource({ 'package.json': '{}', Procfile: 'web: node x.js', 'index.html': '' })), 'node');
    assert.equal(pick(memorySource({ 'pyproject.toml': '', Procfile: 'web: python3 -m app' })), 'python');
    assert.equal(pick(memorySource({ 'go.mod': 'module x', 'public/index.html': '' })), 'go');
    assert.equal(pick(memorySource({ 'requirements.txt': '', 'go.mod': 'module x' })), 'python');
  });

  it('serves a public/ folder or a root index.html as static, even with a Procfile', async () => {
    assert.equal(pick(memorySource({ 'public/app.css': '' })), 'static');
    assert.equal(pick(memorySource({ 'index.html': '', Procfile: 'web: true' })), 'static');
    assert.equal(pick(memorySource({ 'docs/index.html': '' })), null);
  });
});
