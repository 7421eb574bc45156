/** One file of an app's config; `content: null` means the file must not exist. */
export interface ConfFile {
  readonly file: string;
  readonly content: string | null;
  readonly mode: number;
}

/**
 * One route change (an app's route, its removal, berth's own address). `files` is called under
 * the router's lock (what to write may depend on what is on disk); the first file is the server
 * config nginx includes, the rest are what it reads (certificates).
 */
export interface Change {
  readonly files: () => Promise<ConfFile[]>;
  /** A raw server block may clash with another app's (an upstream of the same name): check the whole config too. */
  readonly wholeConfig?: boolean;
  /** Runs once the change is live (or was already). */
  readonly afterLive?: () => void;
}

interface Pending {
  readonly change: Change;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** What a batch run says about each change: absent when it went live, else why it did not. */
export type BatchOutcome = Map<Change, unknown>;

/**
 * Collects the route changes that arrive within `delayMs` of the first one (and all that arrive
 * while a batch is being applied) and hands them to `run` together, one batch at a time: a
 * hundred changes at once cost one reload, not a hundred.
 */
export class ChangeBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly run: (changes: readonly Change[]) => Promise<BatchOutcome>, private readonly delayMs: number) {}

  submit(change: Change): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ change, resolve, reject });
      if (this.timer === null && !this.running) this.timer = setTimeout(() => this.flush(), this.delayMs);
    });
  }

  private flush(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.running = true;
    this.run(batch.map((p) => p.change)).then((outcome) => {
      for (const p of batch) {
        if (outcome.has(p.change)) p.reject(outcome.get(p.change));
        else p.resolve();
      }
    }, (e: unknown) => {
      for (const p of batch) p.reject(e);
    }).finally(() => {
      this.running = false;
      // What arrived meanwhile has waited long enough: it goes now, as one batch.
      if (this.pending.length > 0) this.flush();
    });
  }
}
