/**
 * The one way a test skips: for a reason outside the project (never for a tool deploy/install.sh
 * or test/run.sh installs, never for state the project's own tests leave behind). The reason is
 * kept on the suite so the summary reporter can name it; `test/run.sh` fails the run for every
 * skipped test that BERTH_ALLOW_SKIP does not name.
 */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  // In a hook the reason goes on the suite (every test of it is skipped); in a test, on the test.
  const runnable = ctx.test as (Mocha.Runnable & { type?: string }) | undefined;
  const target = (runnable?.type === 'hook' ? runnable.parent : runnable) as { skipReason?: string } | undefined;
  if (target) target.skipReason = reason;
  ctx.skip();
}
