import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const INFRA_LIBS = ['dockerode', 'ioredis', 'bullmq', 'simple-git', 'better-sqlite3'];

function sources(dir: string, ext = '.ts'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p, ext);
    return p.endsWith(ext) ? [p] : [];
  });
}

const importsOf = (file: string): string[] =>
  [...fs.readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\(|require\()['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('architecture rules', () => {
  const appFiles = sources(path.join(ROOT, 'app'));
  const rel = (f: string) => path.relative(path.join(ROOT, 'app'), f);

  it('only app/infra imports the infrastructure libraries', () => {
    const offenders = appFiles.filter((f) => !rel(f).startsWith('infra/'))
      .flatMap((f) => importsOf(f).filter((i) => INFRA_LIBS.includes(i)).map((i) => `${rel(f)} imports ${i}`));
    assert.deepEqual(offenders, []);
  });

  it('domain folders never import an edge (http, ssh, cli), infra or boot; edges never import infra or boot', () => {
    // Edges receive their services from app/boot (http-services.ts, ssh-services.ts) instead of reaching into it.
    const edges = ['http', 'ssh', 'cli'];
    const outer = [...edges, 'infra', 'boot'];
    const offenders: string[] = [];
    for (const f of appFiles) {
      const top = rel(f).split(path.sep)[0];
      for (const i of importsOf(f).filter((x) => x.startsWith('.'))) {
        const target = path.relative(path.join(ROOT, 'app'), path.resolve(path.dirname(f), i)).split(path.sep)[0];
        const isDomain = !outer.includes(top) && top !== 'main.ts' && top !== 'ports';
        if (isDomain && outer.includes(target)) offenders.push(`${rel(f)} → ${i}`);
        if (edges.includes(top) && ['infra', 'boot'].includes(target)) offenders.push(`${rel(f)} → ${i}`);
        if (top === 'cli' && ['http', 'ssh'].includes(target)) offenders.push(`${rel(f)} → ${i}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('app/cli imports only app/cli and node: modules (deploy/pack-cli.js packs it alone as berth-cli), and the API contract for types only', () => {
    const cliDir = path.join(ROOT, 'app', 'cli');
    const contractDir = path.join(ROOT, 'app', 'api-contract');
    // `import type` / `export type` of app/api-contract is erased by tsc: nothing of it is in the packed CLI.
    const typeOnlyContract = (f: string, i: string) => path.resolve(path.dirname(f), i) === contractDir
      && [...fs.readFileSync(f, 'utf8').matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gms)]
        .filter((m) => m[3] === i).every((m) => m[2] !== undefined);
    const offenders = appFiles.filter((f) => f.startsWith(cliDir + path.sep)).flatMap((f) => importsOf(f)
      .filter((i) => (i.startsWith('.') ? !path.resolve(path.dirname(f), i).startsWith(cliDir + path.sep) && !typeOnlyContract(f, i) : !i.startsWith('node:')))
      .map((i) => `${rel(f)} imports ${i}`));
    assert.deepEqual(offenders, []);
    // The compiled CLI (what pack-cli.js packs) requires nothing outside itself.
    const built = sources(path.join(ROOT, 'dist', 'app', 'cli'), '.js')
      .filter((f) => [...fs.readFileSync(f, 'utf8').matchAll(/require\("([^"]+)"\)/g)].some((m) => m[1].startsWith('.') && !path.resolve(path.dirname(f), m[1]).startsWith(path.join(ROOT, 'dist', 'app', 'cli') + path.sep)));
    assert.deepEqual(built, []);
  });

  it('app/api-contract is a leaf: it imports nothing', () => {
    const contract = appFiles.filter((f) => rel(f).startsWith(`api-contract${path.sep}`));
    assert.ok(contract.length > 0);
    assert.deepEqual(contract.flatMap((f) => importsOf(f).filter((i) => !i.startsWith('./')).map((i) => `${rel(f)} imports ${i}`)), []);
  });

  it('keeps files small (at most 400 lines)', () => {
    const big = [...appFiles, ...sources(path.join(ROOT, 'test'))]
      .map((f) => ({ f: path.relative(ROOT, f), n: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.n > 400);
    assert.deepEqual(big, []);
  });
});
