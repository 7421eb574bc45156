/**
 * The pre-receive hook's wire protocol, shared by the hook client and berth's web side.
 * Kept free of berth imports: the hook client loads it on every push and must start fast.
 *
 * git → hook (stdin): one `<old> <new> <ref>` line per updated ref.
 * hook → berth: POST JSON `{ app, ref, oldSha, newSha, snapshotPath, user }` with the secret header.
 * berth → hook: text/plain lines, shown live to the pusher; the very last line is
 * `@@berth-exit <code>` (not shown), and the hook exits with that code.
 */

export const EXIT_MARKER = '@@berth-exit';
export const HOOK_SECRET_HEADER = 'x-berth-hook-secret';

export interface RefUpdate {
  readonly oldSha: string;
  readonly newSha: string;
  readonly ref: string;
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const EXIT_LINE = /^@@berth-exit (\d{1,3})\r?$/;

export function isSha(value: string): boolean {
  return SHA.test(value);
}

/** git writes 40 (or 64) zeros as the new sha of a deleted ref, and as the old sha of a new one. */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}

/** Parses the hook's stdin; blank lines are skipped, anything else malformed throws. */
export function parseRefUpdates(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const parts = line.split(' ');
    if (parts.length !== 3 || !isSha(parts[0]) || !isSha(parts[1]) || parts[2] === '') {
      throw new Error(`unexpected line from git on the hook's stdin: ${JSON.stringify(line)}`);
    }
    updates.push({ oldSha: parts[0], newSha: parts[1], ref: parts[2] });
  }
  return updates;
}

/** True while `text` (the start of a line) may still turn out to be the exit line. */
function mayBecomeExitLine(text: string): boolean {
  if (text.length <= EXIT_MARKER.length + 1) return `${EXIT_MARKER} `.startsWith(text);
  return /^@@berth-exit \d{0,3}\r?$/.test(text);
}

/**
 * Splits berth's response into text to show now and the exit code.
 * Text is passed on as soon as it arrives — a partial line too, unless it may still become the
 * exit line. A complete exit line is held back until the stream ends: only the very last line
 * counts, so a build log that happens to print the marker cannot end the push early.
 */
export class ExitLineScanner {
  /** Start of the current line, held because it may become the exit line. */
  private candidate = '';
  /** Part of the current line was already shown, so it cannot be the exit line. */
  private lineShown = false;
  /** A complete exit line that is final unless more text follows. */
  private held: string | null = null;

  /** Feeds one chunk; returns the text to show now. */
  push(chunk: string): string {
    let out = '';
    const segments = chunk.split('\n');
    segments.forEach((segment, i) => {
      const complete = i < segments.length - 1;
      if (this.lineShown) {
        out += segment + (complete ? '\n' : '');
        if (complete) this.lineShown = false;
        return;
      }
      this.candidate += segment;
      if (complete) {
        if (EXIT_LINE.test(this.candidate)) {
          out += this.releaseHeld();
          this.held = `${this.candidate}\n`;
        } else {
          out += this.releaseHeld() + this.candidate + '\n';
        }
        this.candidate = '';
      } else if (this.candidate !== '' && !mayBecomeExitLine(this.candidate)) {
        out += this.releaseHeld() + this.candidate;
        this.candidate = '';
        this.lineShown = true;
      }
    });
    return out;
  }

  /** Call when the stream ended; `exitCode` is null when the last line was not the exit line. */
  end(): { output: string; exitCode: number | null } {
    if (this.candidate !== '') {
      const last = EXIT_LINE.exec(this.candidate);
      const output = this.releaseHeld() + (last ? '' : this.candidate);
      this.candidate = '';
      return { output, exitCode: last ? exitCodeOf(last[1]) : null };
    }
    const last = this.held === null ? null : EXIT_LINE.exec(this.held.slice(0, -1));
    this.held = null;
    return { output: '', exitCode: last ? exitCodeOf(last[1]) : null };
  }

  private releaseHeld(): string {
    const held = this.held ?? '';
    this.held = null;
    return held;
  }
}

function exitCodeOf(digits: string): number {
  const code = Number(digits);
  return code <= 255 ? code : 1;
}
