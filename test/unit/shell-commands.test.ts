import assert from 'node:assert/strict';
import { shellCommands } from '../support/shell-commands';

const names = (script: string) => [...new Set(shellCommands(script).map((c) => c.name))].sort();

describe('shell command reader (for the executables check)', () => {
  it('reads command words after operators, in $( ), and through wrappers', () => {
    assert.deepEqual(names('a=$(cat f | tr -d x) && timeout 20 docker info >/dev/null 2>&1 || setsid nohup dockerd </dev/null &\n'),
      ['cat', 'docker', 'dockerd', 'nohup', 'setsid', 'timeout', 'tr']);
    assert.deepEqual(names('echo "at $(date -u +%FT%TZ) now" >>"$LOG"\n'), ['date', 'echo']);
    assert.deepEqual(names('find d -type f -print0 | xargs -0 -r sha256sum\nfind x -exec cp {} y \\;\n'), ['cp', 'find', 'sha256sum', 'xargs']);
  });

  it('skips heredoc bodies, array values, case patterns, [[ ]] and for lists', () => {
    const script = [
      'cat >f <<EOF', 'RUN apt-get install x', 'EOF',
      'PACKAGES=(docker.io nginx)', 'missing+=(nodejs npm)',
      'case "$x" in', '  Z|X|x|"") return 1 ;;', '  start) do_start ;;', 'esac',
      'if [[ "$a" == b* && -n "$c" ]]; then grep -q y z; fi',
      'for p in one two; do seq 1 2; done',
    ].join('\n');
    assert.deepEqual(names(script), ['cat', 'do_start', 'grep', 'return', 'seq']);
  });

  it('follows the script\'s own functions that run "$@" after their shifts, and bash -c scripts', () => {
    const script = [
      'run_logged() {', '  local what=$1; shift', '  if ! "$@" >>"$LOG" 2>&1; then exit 1; fi', '}',
      'run_logged "apt-get update" apt-get update',
      'bash -c \'echo $$ >"$1"; exec curl -s x\' name',
    ].join('\n');
    assert.deepEqual(names(script), ['apt-get', 'bash', 'curl', 'echo', 'exec', 'exit', 'local', 'shift']);
  });

  it('does not take `command -v x` for running x', () => {
    assert.deepEqual(names('command -v file >/dev/null 2>&1 && file -L x\n'), ['command', 'file']);
    assert.deepEqual(names('command -v pebble >/dev/null\n'), ['command']);
  });
});
