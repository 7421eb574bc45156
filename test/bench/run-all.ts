/**
 * `npm run bench`: runs every benchmark in test/bench one after another (this machine is noisy,
 * so each bench measures its own ratios side by side) and writes one table to BENCHMARKS.md.
 * Hand-written notes below the `<!-- bench:end -->` marker are kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { normaliseFigures, type BenchResult } from './bench-types';

const ROOT = path.resolve(__dirname, '../../..');
const SKIP = new Set(['run-all.js', 'bench-types.js']);
const END = '<!-- bench:end -->';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && !SKIP.has(f))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.js$/, '')));
  const results: Array<BenchResult | { name: string; error: string }> = [];
  for (const file of files) {
    const mod = require(path.join(__dirname, file)) as { run?: () => Promise<BenchResult> };
    if (typeof mod.run !== 'function') continue;
    process.stdout.write(`-----> bench ${file}\n`);
    const started = Date.now();
    try {
      const r = await mod.run();
      results.push(r);
      for (const f of normaliseFigures(r.figures)) process.stdout.write(`       ${f.label}: ${f.value}${f.target ? ` (target ${f.target})` : ''}\n`);
    } catch (e) {
      results.push({ name: file.replace(/\.js$/, ''), error: (e as Error).message.split('\n')[0] });
      process.stdout.write(`!      ${file} failed: ${(e as Error).message}\n`);
    }
    process.stdout.write(`       (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  writeBenchmarks(results, only);
}

function writeBenchmarks(results: Array<BenchResult | { name: string; error: string }>, only: string[]): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const notes = old.includes(END) ? old.slice(old.indexOf(END) + END.length) : '\n\n## Notes\n';
  const rerun = new Set(results.map((r) => r.name));
  // A partial run (`npm run bench -- router`) replaces only its own benches' rows and method lines.
  const kept = only.length ? keptFromOld(old, rerun) : { rows: [], methods: [], header: '' };
  const lines = [
    '# Benchmarks',
    '',
    only.length
      ? `\`npm run bench -- ${only.join(' ')}\` re-ran ${[...rerun].join(', ')} on ${new Date().toISOString().slice(0, 10)}; the other rows are from: ${kept.header}`
      : `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)},`,
    `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Each bench measures its`,
    'comparisons side by side in the same run (the machine is noisy); ratios, not absolute times, are the point.',
    '',
    '| bench | figure | value | target |',
    '|---|---|---|---|',
  ];
  lines.push(...kept.rows);
  for (const r of results) {
    if ('error' in r) { lines.push(`| ${r.name} | failed | ${r.error.replace(/\|/g, '/')} | |`); continue; }
    const cell = (t: string) => t.replace(/\|/g, '/');
    for (const f of normaliseFigures(r.figures)) lines.push(`| ${r.name} | ${cell(f.label)} | ${cell(f.value)} | ${f.target ?? ''} |`);
  }
  const methods = results.filter((r): r is BenchResult => 'method' in r && !!r.method);
  if (methods.length || kept.methods.length) lines.push('', ...kept.methods, ...methods.map((r) => `- **${r.name}**: ${r.method}`));
  fs.writeFileSync(file, `${lines.join('\n')}\n\n${END}${notes}`);
  process.stdout.write(`wrote ${file}\n`);
}

/** The rows and method lines of benches not re-run, and the line saying when the full run was made. */
function keptFromOld(old: string, rerun: ReadonlySet<string>): { rows: string[]; methods: string[]; header: string } {
  const table = old.includes(END) ? old.slice(0, old.indexOf(END)) : old;
  const lines = table.split('\n');
  const benchOf = (line: string) => /^\| ([\w-]+) \|/.exec(line)?.[1] ?? /^- \*\*([\w-]+)\*\*:/.exec(line)?.[1] ?? null;
  const keep = (line: string) => { const b = benchOf(line); return b !== null && b !== 'bench' && !rerun.has(b); };
  const header = lines.find((l) => l.startsWith('Produced by') || l.includes('the other rows are from:')) ?? 'an earlier run';
  return {
    rows: lines.filter((l) => l.startsWith('| ') && keep(l)),
    methods: lines.filter((l) => l.startsWith('- **') && keep(l)),
    header: header.includes('the other rows are from:') ? header.slice(header.indexOf('the other rows are from:') + 25) : header.replace(/^Produced by /, '').replace(/,$/, ''),
  };
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
