'use strict';
// Mocha reporter: mocha's `spec` output, then a list of the failures, a list of the skipped tests
// with the reason each was skipped for and, as the very last line,
// `tests: N passed, N failed, N skipped` (CI reads that line).
//   mocha --reporter test/support/summary-reporter.js …
// A skipped test fails the run (the exit code counts it) unless BERTH_ALLOW_SKIP names it:
// a comma-separated list of words, each matched case-insensitively against the test's full title
// and its skip reason (e.g. BERTH_ALLOW_SKIP="swarm,full disk"). A skip is a test that did not
// run: it proves nothing, so it must be a decision someone made, not a silent pass.
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

function firstLine(err) {
  const msg = err && (err.message || String(err));
  return String(msg || 'unknown error').split('\n')[0].slice(0, 300);
}

/** The reason set by test/support/skip.ts on the test or one of its suites. */
function skipReason(test) {
  for (let r = test; r; r = r.parent) if (r.skipReason) return r.skipReason;
  return 'no reason given (it.skip, an it() without a body, or this.skip())';
}

function allowedWords() {
  return String(process.env.BERTH_ALLOW_SKIP || '').split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
}

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    const failures = [];
    const skips = [];

    runner.on(EVENT_TEST_PASS, () => { passed += 1; });
    runner.on(EVENT_TEST_PENDING, (test) => { skips.push({ title: test.fullTitle(), reason: skipReason(test) }); });
    // Hook failures ("before all" hook …) arrive here too and count as failures.
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      failures.push(`${test.fullTitle()}: ${firstLine(err)}`);
    });

    // Registered before mocha's own end listener (the reporter exists before runner.run), so
    // counting the unallowed skips into runner.failures makes mocha's exit code non-zero.
    runner.once(EVENT_RUN_END, () => {
      const words = allowedWords();
      const out = [];
      if (failures.length > 0) {
        out.push('', `failed tests (${failures.length}):`);
        failures.forEach((f, i) => out.push(`  ${i + 1}) ${f}`));
      }
      let unallowed = 0;
      if (skips.length > 0) {
        out.push('', `skipped tests (${skips.length}):`);
        skips.forEach((s, i) => {
          const hay = `${s.title}\n${s.reason}`.toLowerCase();
          const allowed = words.some((w) => hay.includes(w));
          if (!allowed) unallowed += 1;
          out.push(`  ${i + 1}) ${s.title}: ${s.reason}${allowed ? ' (allowed by BERTH_ALLOW_SKIP)' : ''}`);
        });
        if (unallowed > 0) {
          out.push(`  ${unallowed} skipped test(s) not named by BERTH_ALLOW_SKIP: the run fails.`);
          runner.failures += unallowed;
        }
      }
      out.push('', `tests: ${passed} passed, ${failures.length} failed, ${skips.length} skipped`);
      process.stdout.write(out.join('\n') + '\n');
    });
  }
}

SummaryReporter.description = 'spec, then the failures, the skips and "tests: N passed, N failed, N skipped"; unallowed skips fail the run';
module.exports = SummaryReporter;
