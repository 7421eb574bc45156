const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream;
  /** Draw at all: only when a person watches (stdout and stderr are TTYs). */
  readonly enabled: boolean;
  /** Quiet time before the spinner appears; default 1000 ms. */
  readonly delayMs?: number;
}

/**
 * A spinner on stderr while berth is slow to answer. `wait()` arms it; it appears after
 * `delayMs` without output, and `interrupt()` (called before any line is printed) wipes it and
 * re-arms, so it never mixes with real output.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private label: string | undefined;
  private drawn = false;
  private frame = 0;

  constructor(private readonly opts: ProgressOptions) {}

  wait(label: string): void {
    if (!this.opts.enabled) return;
    this.label = label;
    this.erase();
    this.arm();
  }

  interrupt(): void {
    if (this.label === undefined) return;
    this.erase();
    this.arm();
  }

  done(): void {
    this.label = undefined;
    this.erase();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
      this.draw();
    }, this.opts.delayMs ?? 1000);
    this.timer.unref();
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.opts.stream.write(`\r${FRAMES[this.frame]} ${this.label ?? ''}`);
    this.drawn = true;
  }

  /** Stops the timer and clears the spinner's line if it was drawn. */
  private erase(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.drawn) this.opts.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
