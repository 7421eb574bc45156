/** `value` as one POSIX shell word: single-quoted, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `export K='v'` lines, sorted by key; keys a shell cannot assign are returned as `skipped`. */
export function exportLines(config: Readonly<Record<string, string>>): { text: string; skipped: string[] } {
  const keys = Object.keys(config).sort();
  const skipped = keys.filter((k) => !SHELL_NAME.test(k));
  const text = keys.filter((k) => SHELL_NAME.test(k)).map((k) => `export ${k}=${shellQuote(config[k])}\n`).join('');
  return { text, skipped };
}
