import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../../app/errors';
import { applyBatch, type BatchDeps } from '../../app/infra/nginx/apply-batch';
import { ChangeBatcher, type BatchOutcome, type Change } from '../../app/infra/nginx/change-batch';

/** Batching route changes (change-batch.ts) and applying a batch (apply-batch.ts), with a fake nginx. */
describe('nginx router: batched route changes', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-batch-unit-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const conf = (app: string, text: string | null): Change => ({ files: async () => [{ file: path.join(dir, `${app}.conf`), content: text, mode: 0o600 }] });
  const read = (app: string) => (fs.existsSync(path.join(dir, `${app}.conf`)) ? fs.readFileSync(path.join(dir, `${app}.conf`), 'utf8') : null);
  /**
   * nginx refuses any file containing "bad", in a check of those files or in a reload (of every
   * file in dir); counts checks and the reloads it took and refused.
   */
  function fakeNginx(o: { reload?: () => void } = {}) {
    const seen = { checks: [] as string[][], reloads: 0, refused: 0, whole: 0 };
    const refuses = (files: readonly string[]) => files.some((f) => fs.readFileSync(f, 'utf8').includes('bad'));
    // Two files declaring one `upstream <name>` (as two raw server blocks may): only the whole config shows it.
    const clash = (files: readonly string[]) => {
      const names = files.flatMap((f) => fs.readFileSync(f, 'utf8').match(/upstream \w+/g) ?? []);
      return names.find((n, i) => names.indexOf(n) !== i) ?? null;
    };
    const all = () => fs.readdirSync(dir).map((f) => path.join(dir, f));
    const deps: BatchDeps = {
      checkAlone: async (files) => { seen.checks.push(files.map((f) => path.basename(f))); return refuses(files) ? { ok: false, output: 'unknown directive "bad"' } : { ok: true, output: '' }; },
      checkWhole: async () => {
        seen.whole++;
        const dup = clash(all());
        return refuses(all()) ? { ok: false, output: 'unknown directive "bad"' } : dup ? { ok: false, output: `duplicate ${dup}` } : { ok: true, output: '' };
      },
      reload: async () => {
        o.reload?.();
        if (refuses(all()) || clash(all())) {
          seen.refused++;
          throw new BerthError('ROUTER_CONFIG_INVALID', 'nginx refused the new configuration: unknown directive "bad"');
        }
        seen.reloads++;
      },
    };
    return { deps, seen };
  }

  it('collects changes of one tick, and those arriving while a batch runs, into as few runs as possible', async () => {
    const runs: number[] = [];
    let release: () => void = () => undefined;
    const batcher = new ChangeBatcher(async (cs) => {
      runs.push(cs.length);
      if (runs.length === 1) await new Promise<void>((r) => { release = r; });
      return new Map() as BatchOutcome;
    }, 5);
    const first = [1, 2, 3].map((i) => batcher.submit(conf(`a${i}`, 'x')));
    await new Promise((r) => setTimeout(r, 30)); // the first batch is running now
    const later = [4, 5, 6, 7].map((i) => batcher.submit(conf(`a${i}`, 'x')));
    await new Promise((r) => setTimeout(r, 30));
    release();
    await Promise.all([...first, ...later]);
    assert.deepEqual(runs, [3, 4]);
  });

  it('rejects only the changes the run says failed', async () => {
    const bad = conf('b', 'x');
    const batcher = new ChangeBatcher(async () => new Map([[bad, new BerthError('ROUTER_CONFIG_INVALID', 'no')]]) as BatchOutcome, 1);
    const [ok, no] = await Promise.allSettled([batcher.submit(conf('a', 'x')), batcher.submit(bad)]);
    assert.equal(ok.status, 'fulfilled');
    assert.equal(no.status, 'rejected');
  });

  it('a batch nginx takes goes live with one reload and no separate check', async () => {
    const { deps, seen } = fakeNginx();
    const out = await applyBatch([conf('a', 'new a'), conf('c', 'new c')], deps);
    assert.equal(out.size, 0);
    assert.deepEqual(seen.checks, []);
    assert.deepEqual([seen.reloads, seen.refused], [1, 0]);
    assert.deepEqual([read('a'), read('c')], ['new a', 'new c']);
  });

  it('when nginx refuses the reload, checks the batch once, then each alone: only the refused one is rolled back, one reload for the rest', async () => {
    fs.writeFileSync(path.join(dir, 'b.conf'), 'old b');
    const { deps, seen } = fakeNginx();
    const a = conf('a', 'new a'), b = conf('b', 'bad b'), c = conf('c', 'new c');
    const out = await applyBatch([a, b, c], deps);
    assert.deepEqual([...out.keys()], [b]);
    assert.equal((out.get(b) as BerthError).code, 'ROUTER_CONFIG_INVALID');
    assert.match((out.get(b) as Error).message, /^nginx rejected b\.conf: unknown directive "bad"$/);
    assert.deepEqual(seen.checks, [['a.conf', 'b.conf', 'c.conf'], ['a.conf'], ['b.conf'], ['c.conf']]);
    assert.deepEqual([seen.reloads, seen.refused], [1, 1]);
    assert.deepEqual([read('a'), read('b'), read('c')], ['new a', 'old b', 'new c']);
  });

  it('a batch of unchanged files reloads nothing; a removal needs no check', async () => {
    fs.writeFileSync(path.join(dir, 'a.conf'), 'same');
    const { deps, seen } = fakeNginx();
    assert.equal((await applyBatch([conf('a', 'same')], deps)).size, 0);
    assert.equal(seen.reloads, 0);
    assert.equal((await applyBatch([conf('a', null)], deps)).size, 0);
    assert.deepEqual(seen.checks, []);
    assert.equal(seen.reloads, 1);
    assert.equal(read('a'), null);
  });

  it('a reload nginx refuses rolls every change of the batch back, two changes of one app to what was there before both', async () => {
    fs.writeFileSync(path.join(dir, 'a.conf'), 'v0');
    const { deps } = fakeNginx({ reload: () => { throw new BerthError('ROUTER_CONFIG_INVALID', 'nginx refused the new configuration'); } });
    const changes = [conf('a', 'v1'), conf('a', 'v2'), conf('c', 'new c')];
    const out = await applyBatch(changes, deps);
    assert.equal(out.size, 3);
    assert.deepEqual([read('a'), read('c')], ['v0', null]);
  });
  it('a raw block refused only in the whole config (it clashes with an app outside the batch) fails alone; the others go live with one reload', async () => {
    fs.writeFileSync(path.join(dir, 'x.conf'), 'upstream shared');
    const { deps, seen } = fakeNginx();
    const raw = (app: string, text: string): Change => ({ ...conf(app, text), wholeConfig: true });
    const a = conf('a', 'new a'), r = raw('r', 'upstream shared'), c = conf('c', 'new c'), q = raw('q', 'upstream own');
    const out = await applyBatch([a, r, c, q], deps);
    assert.deepEqual([...out.keys()], [r]);
    assert.equal((out.get(r) as BerthError).code, 'ROUTER_CONFIG_INVALID');
    assert.equal((out.get(r) as Error).message, 'nginx rejected r.conf: duplicate upstream shared');
    assert.deepEqual([read('a'), read('r'), read('c'), read('q')], ['new a', null, 'new c', 'upstream own']);
    assert.deepEqual([seen.reloads, seen.refused], [1, 0]);
  });

  it('two changes that clash with each other: the first goes live, the second fails alone; a reload refused for the same reason is isolated too', async () => {
    const { deps, seen } = fakeNginx();
    // Not marked wholeConfig: the reload is what refuses them, though the batch's files pass together.
    const a = conf('a', 'upstream u'), b = conf('b', 'new b'), c = conf('c', 'upstream u'), e = conf('e', 'new e');
    const out = await applyBatch([a, b, c, e], deps);
    assert.deepEqual([...out.keys()], [c]);
    assert.equal((out.get(c) as Error).message, 'nginx rejected c.conf: duplicate upstream u');
    assert.deepEqual([read('a'), read('b'), read('c'), read('e')], ['upstream u', 'new b', null, 'new e']);
    assert.deepEqual([seen.reloads, seen.refused], [1, 1]);
  });

  it('a whole config refused whatever the batch holds (a file outside it is broken) fails every change of the batch, files back', async () => {
    fs.writeFileSync(path.join(dir, 'x.conf'), 'bad by hand');
    fs.writeFileSync(path.join(dir, 'a.conf'), 'old a');
    const { deps, seen } = fakeNginx();
    const a = conf('a', 'new a'), c = conf('c', 'new c');
    const out = await applyBatch([a, c], deps);
    assert.deepEqual([...out.keys()], [a, c]);
    assert.equal((out.get(a) as Error).message, 'nginx rejected a.conf: unknown directive "bad"');
    assert.deepEqual([read('a'), read('c')], ['old a', null]);
    assert.equal(seen.reloads, 0);
  });
});
