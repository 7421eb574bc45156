'use strict';
// Mocha reporter: mocha's `spec` output, then a list of the failures, a list of the skipped tests
// with the reason each was skipped for and, as the very last line,
// `tests: N passed, N failed, N skipped` (CI reads that line). Before that line: the slowest test
// files by wall time, their before/after hooks included (mocha prints a test's own duration only,
// and a file's set-up — berths started, apps pushed in `before` — is most of what CI waits for).
// BERTH_TEST_TIMES=<path> also writes every file's times there as JSON.
//   mocha --reporter test/support/summary-reporter.js …
// A skipped test fails the run (the exit code counts it) unless BERTH_ALLOW_SKIP names it:
// a comma-separated list of words, each matched case-insensitively against the test's full title
// and its skip reason (e.g. BERTH_ALLOW_SKIP="swarm,full disk"). A skip is a test that did not
// run: it proves nothing, so it must be a decision someone made, not a silent pass.
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const fs = require('node:fs');
const path = require('node:path');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

/** How many of the slowest files the summary lists. */
const SLOWEST_FILES = 20;

function firstLine(err) {
  const msg = err && (err.message || String(err));
  return String(msg || 'unknown error').split('\n')[0].slice(0, 300);
}

/** The reason set by test/support/skip.ts on the test or one of its suites. */
function skipReason(test) {
  for (let r = test; r; r = r.parent) if (r.skipReason) return r.skipReason;
  return 'no reason given (it.skip, an it() without a body, or this.skip())';
}

/**
 * Wall time per test file: from its top-level describe's start to its end, hooks included, and the
 * part its tests took (the rest is set-up and clean-up in before/after hooks).
 */
class FileTimes {
  constructor(cwd) {
    this.cwd = cwd;
    this.files = new Map();
    this.begun = new Map();
  }

  key(file) { return file ? path.relative(this.cwd, file) : '(no file)'; }

  entry(file) {
    const k = this.key(file);
    if (!this.files.has(k)) this.files.set(k, { file: k, wallMs: 0, testsMs: 0, tests: 0 });
    return this.files.get(k);
  }

  suiteBegin(suite) { if (suite.parent && suite.parent.root) this.begun.set(suite, Date.now()); }

  suiteEnd(suite) {
    const t0 = this.begun.get(suite);
    if (t0 === undefined) return;
    this.begun.delete(suite);
    this.entry(suite.file).wallMs += Date.now() - t0;
  }

  test(test) {
    const e = this.entry(test.file);
    e.tests += 1;
    e.testsMs += test.duration || 0;
  }

  /** Slowest first; hooksMs is the wall time the tests do not account for. */
  ranked() {
    return [...this.files.values()].map((e) => ({ ...e, hooksMs: Math.max(0, e.wallMs - e.testsMs) })).sort((a, b) => b.wallMs - a.wallMs);
  }

  lines(n) {
    const all = this.ranked();
    if (all.length === 0) return [];
    const s = (ms) => `${(ms / 1000).toFixed(1)}s`.padStart(7);
    const total = all.reduce((a, e) => a + e.wallMs, 0);
    return ['', `slowest test files (wall time with hooks; ${all.length} files, ${(total / 60000).toFixed(1)} min in all):`,
      ...all.slice(0, n).map((e) => `  ${s(e.wallMs)}  hooks ${s(e.hooksMs)}  ${String(e.tests).padStart(3)} tests  ${e.file}`)];
  }
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
    const times = new FileTimes(process.cwd());
    runner.on(EVENT_SUITE_BEGIN, (suite) => times.suiteBegin(suite));
    runner.on(EVENT_SUITE_END, (suite) => times.suiteEnd(suite));
    runner.on(EVENT_TEST_PASS, (test) => times.test(test));
    runner.on(EVENT_TEST_FAIL, (test) => { if (test.type === 'test') times.test(test); });

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
      out.push(...times.lines(SLOWEST_FILES));
      if (process.env.BERTH_TEST_TIMES) {
        try { fs.writeFileSync(process.env.BERTH_TEST_TIMES, `${JSON.stringify(times.ranked(), null, 1)}\n`); } catch (e) { out.push(`(BERTH_TEST_TIMES: ${firstLine(e)})`); }
      }
      out.push('', `tests: ${passed} passed, ${failures.length} failed, ${skips.length} skipped`);
      process.stdout.write(out.join('\n') + '\n');
    });
  }
}

SummaryReporter.description = 'spec, then the failures, the skips and "tests: N passed, N failed, N skipped"; unallowed skips fail the run';
module.exports = SummaryReporter;
