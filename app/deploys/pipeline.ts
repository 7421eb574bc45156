/**
 * A pipeline of named steps, each with its undo (the saga pattern: Medusa v2's createStep(invoke,
 * compensate) is the model; this is berth's own small version). A step's `invoke` returns what its
 * `undo` needs; when a later step fails, the steps that ran undo in reverse order, each saying in
 * the log what it took back, and the first error is thrown on. A step marked `final` is the point
 * of no return (the new release is live): a failure after it undoes nothing and only warns.
 */
export type Log = (line: string) => void;

export interface Step<C> {
  readonly name: string;
  /** Does the step's work; answers what `undo` needs (undefined: nothing to take back). */
  invoke(ctx: C): Promise<unknown>;
  /** Takes the step's work back; answers what it did, for the log ("removed 2 containers"). */
  undo?(done: never, ctx: C): Promise<string>;
  /** Once this step ran, nothing before it is undone: later failures are warnings. */
  readonly final?: boolean;
  /** Runs only when this answers true (e.g. `build` for jobs that build an image). */
  when?(ctx: C): boolean;
}

/** A step whose undo receives exactly what its invoke answered. */
export function step<C, T>(name: string, invoke: (ctx: C) => Promise<T>, undo?: (done: NonNullable<T>, ctx: C) => Promise<string>,
  o: { final?: boolean; when?: (ctx: C) => boolean } = {}): Step<C> {
  return { name, invoke, undo: undo as Step<C>['undo'], final: o.final, when: o.when };
}

/** Runs plugin hooks as a step of the pipeline (a throw is the step failing). */
export interface HookRunner {
  run(hook: string, payload: Record<string, unknown>): Promise<void>;
}

/** A step that runs a plugin hook (Medusa's createHook): plugins add behaviour without a subclass of the core. */
export function hookStep<C>(hooks: HookRunner, hook: string, payload: (ctx: C) => Record<string, unknown>, o: { when?: (ctx: C) => boolean } = {}): Step<C> {
  return step<C, void>(`hook ${hook}`, (ctx) => hooks.run(hook, payload(ctx)), undefined, o);
}

export interface PipelineRun {
  /** The steps that ran, in order (skipped ones left out). */
  readonly ran: readonly string[];
}

/**
 * Runs the steps in order. A failing step undoes the ones before it (its own partial work is its
 * own to clean up) in reverse, logging `undo: <step> — <what>`; an undo that fails is logged and
 * the others still run. The original error is rethrown.
 */
export async function runPipeline<C>(steps: readonly Step<C>[], ctx: C, log: Log): Promise<PipelineRun> {
  const done: { step: Step<C>; result: unknown }[] = [];
  let live = false;
  for (const s of steps) {
    if (s.when && !s.when(ctx)) continue;
    try {
      done.push({ step: s, result: await s.invoke(ctx) });
    } catch (e) {
      if (live) {
        log(`!     ${s.name} failed after the new release went live (nothing is undone): ${(e as Error).message}`);
        continue;
      }
      await undoAll(done, s.name, ctx, log);
      throw e;
    }
    if (s.final) live = true;
  }
  return { ran: done.map((d) => d.step.name) };
}

async function undoAll<C>(done: { step: Step<C>; result: unknown }[], failed: string, ctx: C, log: Log): Promise<void> {
  const undoable = done.filter((d) => d.step.undo && d.result !== undefined && d.result !== null);
  if (undoable.length === 0) return;
  log(`-----> ${failed} failed: undoing ${undoable.map((d) => d.step.name).reverse().join(', ')}`);
  for (const d of undoable.reverse()) {
    try {
      log(`-----> undo: ${d.step.name} — ${await d.step.undo!(d.result as never, ctx)}`);
    } catch (e) {
      log(`!     undo: ${d.step.name} failed: ${(e as Error).message}`);
    }
  }
}
