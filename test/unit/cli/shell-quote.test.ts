import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { exportLines, shellQuote } from '../../../app/cli';

describe('config:export quoting', () => {
  it('single-quotes values and escapes single quotes', () => {
    assert.equal(shellQuote('plain'), `'plain'`);
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
    assert.equal(shellQuote(''), `''`);
  });

  it('writes sorted export lines and skips keys a shell cannot assign', () => {
    const { text, skipped } = exportLines({ B: '2', A: 'x y', 'BAD-KEY': 'v' });
    assert.equal(text, `export A='x y'\nexport B='2'\n`);
    assert.deepEqual(skipped, ['BAD-KEY']);
  });

  it('round-trips awkward values through a real sh', () => {
    const config = {
      QUOTES: `it's "quoted" ''`,
      DOLLAR: '$HOME `whoami` $(id) \\n',
      NEWLINE: 'line1\nline2\n',
      GLOB: '* ? [a] ~ ; & | < > #',
      EMPTY: '',
      UNICODE: 'héllo — ☃',
    };
    const script = `${exportLines(config).text}node -e 'process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(config))}.map((k) => [k, process.env[k]]))))'`;
    const back = JSON.parse(execFileSync('sh', ['-c', script], { encoding: 'utf8' })) as Record<string, string>;
    assert.deepEqual(back, config);
  });
});
