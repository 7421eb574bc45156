import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { satisfies } from '../../../buildpacks/shared/semver-range';
import { execForm, templateDir } from '../../../buildpacks/shared/template';
import { procfileCommand } from '../../../buildpacks/shared/procfile';
import { memorySource } from './sources';

describe('buildpacks: shared pieces', () => {
  it('checks npm-style ranges', () => {
    const yes: Array<[string, string]> = [
      ['18.20.4', '>=18'], ['18.20.4', '18.x'], ['18.20.4', '18'], ['18.20.4', '^18.0.0'], ['18.20.4', '~18.20.1'],
      ['18.20.4', '>=16 <19'], ['18.20.4', '14 || 16 || 18'], ['18.20.4', '16 - 18'], ['18.20.4', '*'], ['18.20.4', ''],
      ['18.20.4', '>= 18.0.0'], ['18.20.4', '<=18'], ['18.20.4', '>17'], ['18.20.4', 'v18.20.4'], ['0.2.5', '^0.2.3'],
      ['18.20.4', '18.20.x'], ['18.20.4', '>=18.20.4-rc.1'],
    ];
    const no: Array<[string, string]> = [
      ['18.20.4', '>=20'], ['18.20.4', '20.x'], ['18.20.4', '^20'], ['18.20.4', '~18.19'], ['18.20.4', '<18'],
      ['18.20.4', '>18'], ['18.20.4', '16 || 20'], ['18.20.4', '19 - 21'], ['0.3.0', '^0.2.3'], ['18.20.4', '>18.20.4'],
      ['18.20.4', '18.21.x'], ['18.20.4', '<=18.20.3'],
    ];
    for (const [v, r] of yes) assert.equal(satisfies(v, r), true, `${v} ${r}`);
    for (const [v, r] of no) assert.equal(satisfies(v, r), false, `${v} ${r}`);
    for (const r of ['lts/*', 'latest', 'node 18', '>=abc']) assert.equal(satisfies('18.20.4', r), null, r);
  });

  it('finds templates in the source tree from compiled code', () => {
    const dir = templateDir('node', path.resolve(__dirname, '../../../buildpacks/node'));
    assert.ok(fs.existsSync(path.join(dir, 'Dockerfile.njk')), dir);
  });

  it('writes exec-form arrays docker can parse', () => {
    const form = execForm(['/bin/sh', '-c', 'echo "hi" \\ $PORT']);
    assert.deepEqual(JSON.parse(form), ['/bin/sh', '-c', 'echo "hi" \\ $PORT']);
  });

  it('reads a Procfile line leniently', () => {
    const s = memorySource({ Procfile: '# comment\r\nworker: run w\r\nweb:   node a.js  \r\n' });
    assert.equal(procfileCommand(s, 'web'), 'node a.js');
    assert.equal(procfileCommand(s, 'clock'), null);
    assert.equal(procfileCommand(memorySource({}), 'web'), null);
  });
});
