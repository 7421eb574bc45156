'use strict';
// Mocha reporter: mocha's `spec` output, then a list of the failures and, as the very last
// line, `tests: N passed, N failed, N skipped` (CI reads that line).
//   mocha --reporter test/support/summary-reporter.js …
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

function firstLine(err) {
  const msg = err && (err.message || String(err));
  return String(msg || 'unknown error').split('\n')[0].slice(0, 300);
}

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let skipped = 0;
    const failures = [];

    runner.on(EVENT_TEST_PASS, () => { passed += 1; });
    runner.on(EVENT_TEST_PENDING, () => { skipped += 1; });
    // Hook failures ("before all" hook …) arrive here too and count as failures.
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      failures.push(`${test.fullTitle()}: ${firstLine(err)}`);
    });

    runner.once(EVENT_RUN_END, () => {
      const out = [];
      if (failures.length > 0) {
        out.push('', `failed tests (${failures.length}):`);
        failures.forEach((f, i) => out.push(`  ${i + 1}) ${f}`));
      }
      out.push('', `tests: ${passed} passed, ${failures.length} failed, ${skipped} skipped`);
      process.stdout.write(out.join('\n') + '\n');
    });
  }
}

SummaryReporter.description = 'spec, then "tests: N passed, N failed, N skipped"';
module.exports = SummaryReporter;
