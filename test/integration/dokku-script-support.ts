import { spawnSync } from 'node:child_process';

/** A command line as a shell splits it: words, with '…' and "…" quoting anywhere in a word (KEY="a b"). */
export function words(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) { if (ch === quote) quote = null; else word += ch; continue; }
    if (ch === '"' || ch === "'") { quote = ch; word ??= ''; continue; }
    if (/\s/.test(ch)) { if (word !== null) out.push(word); word = null; continue; }
    word = (word ?? '') + ch;
  }
  if (word !== null) out.push(word);
  return out;
}

export function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
