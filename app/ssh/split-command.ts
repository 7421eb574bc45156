import { BerthError } from '../errors';

/** Splits a command line as a shell would for plain words and '…' / "…" quoting (no expansion). */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word = (word ?? '') + line[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') { quote = c; word ??= ''; }
    else if (c === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i];
    else if (/\s/.test(c)) { if (word !== null) words.push(word); word = null; }
    else word = (word ?? '') + c;
  }
  if (quote) throw new BerthError('INVALID_INPUT', 'Unterminated quote in the command.');
  if (word !== null) words.push(word);
  return words;
}
