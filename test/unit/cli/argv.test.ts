import assert from 'node:assert/strict';
import { findVerb, GROUPS, parseArgv, parseAssignment, type Verb } from '../../../app/cli';

const verb = (name: string): Verb => {
  const v = findVerb(GROUPS, name);
  assert.ok(v, `no verb ${name}`);
  return v;
};

describe('cli argument parsing', () => {
  describe('parseAssignment', () => {
    it('splits at the first =, so values may contain =', () => {
      assert.deepEqual(parseAssignment('DATABASE_URL=postgres://u:p@h/db?ssl=true&x=1'), { key: 'DATABASE_URL', value: 'postgres://u:p@h/db?ssl=true&x=1' });
      assert.deepEqual(parseAssignment('A=='), { key: 'A', value: '=' });
    });

    it('keeps an empty value, spaces and quotes the shell passed through', () => {
      assert.deepEqual(parseAssignment('EMPTY='), { key: 'EMPTY', value: '' });
      assert.deepEqual(parseAssignment('GREETING=hello world'), { key: 'GREETING', value: 'hello world' });
      assert.deepEqual(parseAssignment(`Q="it's" 'x'`), { key: 'Q', value: `"it's" 'x'` });
      assert.deepEqual(parseAssignment('ML=line1\nline2'), { key: 'ML', value: 'line1\nline2' });
    });

    it('refuses words without a key', () => {
      assert.throws(() => parseAssignment('NOEQUALS'), /is not KEY=VALUE/);
      assert.throws(() => parseAssignment('=value'), /is not KEY=VALUE/);
    });
  });

  describe('parseArgv', () => {
    it('maps positionals, the variadic rest and flags', () => {
      const p = parseArgv(verb('config:set'), ['web', 'A=1', 'B=x=y', '--no-restart']);
      assert.deepEqual(p.positional, { app: 'web' });
      assert.deepEqual(p.rest, ['A=1', 'B=x=y']);
      assert.equal(p.options['no-restart'], true);
      assert.equal(p.json, false);
    });

    it('reads value options as --x v, --x=v, -n v and -nV', () => {
      assert.equal(parseArgv(verb('events'), ['--app', 'web']).options.app, 'web');
      assert.equal(parseArgv(verb('events'), ['--app=web']).options.app, 'web');
      assert.equal(parseArgv(verb('events'), ['-n', '5']).options.limit, '5');
      assert.equal(parseArgv(verb('events'), ['-n5']).options.limit, '5');
    });

    it('reads grouped short options as getopt does: -tn 5 is -t -n 5 (node:util parseArgs)', () => {
      // The hand-written reader took `n` as -t's value and refused: "--tail takes no value".
      assert.deepEqual(parseArgv(verb('logs'), ['web', '-tn', '5']).options, { tail: true, num: '5' });
      assert.deepEqual(parseArgv(verb('logs'), ['web', '-tn5']).options, { tail: true, num: '5' });
      assert.throws(() => parseArgv(verb('logs'), ['web', '-tx']), /unknown option -x for logs/);
    });

    it('takes words after -- literally', () => {
      assert.deepEqual(parseArgv(verb('config:set'), ['web', '--', '--odd=1']).rest, ['--odd=1']);
    });

    it('knows the global --json and --help', () => {
      assert.equal(parseArgv(verb('apps:list'), ['--json']).json, true);
      assert.equal(parseArgv(verb('config:set'), ['--help']).help, true); // no USAGE error for the missing app
      assert.equal(parseArgv(verb('config:set'), ['-h']).help, true);
    });

    it('refuses missing, extra and unknown things with the usage', () => {
      assert.throws(() => parseArgv(verb('config:set'), ['web']), (e: Error & { hint?: string }) => /needs <KEY=VALUE>/.test(e.message) && /Usage: berth config:set/.test(e.hint ?? ''));
      assert.throws(() => parseArgv(verb('apps:info'), []), /needs <app>/);
      assert.throws(() => parseArgv(verb('apps:info'), ['a', 'b']), /unexpected argument "b"/);
      assert.throws(() => parseArgv(verb('apps:list'), ['--nope']), /unknown option --nope/);
      assert.throws(() => parseArgv(verb('events'), ['--app']), /--app needs a value/);
      assert.throws(() => parseArgv(verb('builds:log'), ['--follow=yes', 'web']), /takes no value/);
    });

    it('leaves optional positionals out when not given', () => {
      assert.deepEqual(parseArgv(verb('builds:log'), ['web', '-f']).positional, { app: 'web' });
      assert.deepEqual(parseArgv(verb('builds:log'), ['web', '12']).positional, { app: 'web', id: '12' });
    });
  });
});
