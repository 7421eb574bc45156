import assert from 'node:assert/strict';
import { parseProcfile } from '../../app/releases';
import { dockerignoreMatcher } from '../../app/builds/dockerignore';
import { detectBuilder } from '../../app/builds';
import { loadConfig } from '../../app/config';
import { assertAppName } from '../../app/apps';
import { BerthError } from '../../app/errors';
import type { Buildpack, SourceView } from '../../app/ports/buildpack';

const view = (files: Record<string, string>): SourceView => ({
  files: () => Object.keys(files), has: (p) => p in files, read: (p) => files[p] ?? null,
});
const code = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as BerthError).code; }
  return 'no error';
};

describe('Procfile', () => {
  it('parses types and commands, skipping comments and blanks', () => {
    assert.deepEqual(parseProcfile('# c\nweb: node server.js --port $PORT\n\nworker:  node w.js\nrelease: ./migrate'),
      { web: 'node server.js --port $PORT', worker: 'node w.js', release: './migrate' });
  });
  it('rejects bad lines with the line number', () => {
    assert.throws(() => parseProcfile('web node x'), /line 1/);
    assert.throws(() => parseProcfile('Web: x'), /process type "Web"/);
    assert.throws(() => parseProcfile('web: a\nweb: b'), /defined twice/);
    assert.equal(code(() => parseProcfile('web:')), 'INVALID_PROCFILE');
  });
});

describe('.dockerignore', () => {
  it('matches globs, folders and negations like docker does', () => {
    const ignored = dockerignoreMatcher('node_modules\n*.log\n/secret/**\n!keep.log\n# comment\ndocs/*.md');
    assert.ok(ignored('node_modules/x/y.js'));
    assert.ok(ignored('a.log'));
    assert.ok(!ignored('keep.log'));
    assert.ok(ignored('secret/deep/file'));
    assert.ok(ignored('docs/a.md'));
    assert.ok(!ignored('docs/sub/a.md'));
    assert.ok(!ignored('src/app.js'));
  });
  it('reads [a-z] as a class of characters, as docker does (it was matched as the literal text "[a-c]")', () => {
    const ignored = dockerignoreMatcher('[a-c].txt\nsrc/[0-9]*.tmp');
    assert.deepEqual(['b.txt', 'd.txt', '[a-c].txt', 'src/1x.tmp', 'src/ax.tmp'].map(ignored), [true, false, false, true, false]);
  });
});

describe('builder detection', () => {
  const pack = (name: string, file: string): Buildpack => ({
    name, looksFor: file, detect: (s) => s.has(file), dockerfile: () => 'FROM scratch',
  });
  const packs = [pack('node', 'package.json'), pack('static', 'index.html')];
  it('prefers a Dockerfile, then buildpacks in order', () => {
    const none = { builder: null, buildpack: null };
    assert.equal(detectBuilder(view({ Dockerfile: '', 'package.json': '' }), packs, none).kind, 'dockerfile');
    const bp = detectBuilder(view({ 'package.json': '', 'index.html': '' }), packs, none);
    assert.equal(bp.kind === 'buildpack' && bp.buildpack.name, 'node');
  });
  it('honours overrides and lists what it looked for when nothing matches', () => {
    const forced = detectBuilder(view({ Dockerfile: '' }), packs, { builder: 'buildpack', buildpack: 'static' });
    assert.equal(forced.kind === 'buildpack' && forced.buildpack.name, 'static');
    assert.throws(() => detectBuilder(view({ 'README.md': '' }), packs, { builder: null, buildpack: null }),
      /looked for: Dockerfile, package.json \(node\), index.html \(static\)/);
  });
});

describe('config', () => {
  it('has documented defaults and refuses bad values', () => {
    const c = loadConfig({});
    assert.equal(c.home, '/var/lib/berth');
    assert.equal(c.domain, 'localhost');
    assert.equal(c.port, 8380);
    assert.ok(Object.isFrozen(c));
    assert.equal(code(() => loadConfig({ BERTH_PORT: 'eighty' })), 'INVALID_CONFIG');
    assert.equal(code(() => loadConfig({ BERTH_AUTO_CREATE: 'maybe' })), 'INVALID_CONFIG');
  });
});

describe('app names', () => {
  it('accepts dokku-style names and refuses the rest', () => {
    for (const ok of ['a', 'my-app', 'app2']) assert.doesNotThrow(() => assertAppName(ok));
    for (const bad of ['Bad_Name', '2app', 'a-', '', 'a'.repeat(64), 'a;b', '../x']) assert.equal(code(() => assertAppName(bad)), 'INVALID_APP_NAME');
  });
});
