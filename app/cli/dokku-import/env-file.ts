/**
 * dokku's app `ENV` file: newer dokku writes it as a dotenv file (`KEY="value"`, backslash
 * escapes), older dokku as shell exports (`export KEY='value'`, `'\''` for a quote). Both are
 * read here; a line neither form can read is returned in `unread` (never guessed at).
 */
export interface EnvFile {
  readonly vars: Readonly<Record<string, string>>;
  readonly unread: readonly string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvFile(text: string): EnvFile {
  const vars: Record<string, string> = {};
  const unread: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lineEnd = text.indexOf('\n', i) < 0 ? n : text.indexOf('\n', i);
    const line = text.slice(i, lineEnd).trim();
    if (!line || line.startsWith('#')) { i = lineEnd + 1; continue; }
    const m = /^\s*(?:export\s+)?([^=\s]+)\s*=/.exec(text.slice(i, lineEnd));
    if (!m || !KEY.test(m[1])) { unread.push(line); i = lineEnd + 1; continue; }
    const read = readValue(text, i + m[0].length);
    if (!read) { unread.push(line); i = lineEnd + 1; continue; }
    vars[m[1]] = read.value;
    i = read.end;
  }
  return { vars, unread };
}

/** The value starting at `start` (quoted values may span lines); `end` is past its line. */
function readValue(text: string, start: number): { value: string; end: number } | undefined {
  let i = start;
  while (text[i] === ' ' || text[i] === '\t') i++;
  let value = '';
  // A shell word may join quoted parts: 'it'\''s' is one value.
  for (;;) {
    const ch = text[i];
    if (ch === '\'') {
      const close = text.indexOf('\'', i + 1);
      if (close < 0) return undefined;
      value += text.slice(i + 1, close);
      i = close + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        const c = text[i];
        if (c === '"') { i++; break; }
        if (c === '\\' && i + 1 < text.length) {
          const e = text[i + 1];
          value += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
    } else if (ch === '\\' && text[i + 1] !== undefined && text[i + 1] !== '\n') {
      value += text[i + 1];
      i += 2;
    } else if (ch === undefined || ch === '\n' || ch === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      break;
    } else if (ch === ' ' || ch === '\t') {
      // Trailing blanks end a bare value; anything but a comment after them is not one value.
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') j++;
      if (text[j] !== undefined && text[j] !== '\n' && text[j] !== '#') return undefined;
      i = j;
    } else {
      value += ch;
      i++;
    }
  }
  const nl = text.indexOf('\n', i);
  return { value, end: nl < 0 ? text.length : nl + 1 };
}
