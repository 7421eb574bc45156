/**
 * User text (a version range, a file's line) as it appears in push output and errors: JSON-quoted,
 * so a newline or an escape sequence in it cannot forge a line of berth's own output; shortened.
 */
export function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
