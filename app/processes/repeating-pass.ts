/**
 * A pass that runs now and then again a fixed time after each one ends (never two at once: a
 * caller asking for a pass while one runs shares it), until stopped; stop() waits for the pass in
 * progress. The reconciler and the deploy watch are each one.
 */
export class RepeatingPass<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;
  private stopped = true;

  constructor(private readonly run: () => Promise<T>) {}

  /** `ended` hears each pass's result (null when it threw, after `failed` heard why) and how long it took. */
  start(everyMs: number, failed: (e: Error) => void, ended: (result: T | null, ms: number) => void = () => undefined): void {
    this.stopped = false;
    const loop = async () => {
      const began = Date.now();
      const done = await this.pass().catch((e: Error) => { failed(e); return null; });
      ended(done, Date.now() - began);
      if (!this.stopped) this.timer = setTimeout(loop, everyMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass; concurrent callers share the pass in progress. */
  pass(): Promise<T> {
    this.running ??= this.run().finally(() => { this.running = null; });
    return this.running;
  }
}
