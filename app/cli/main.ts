/** Entry point (bin/berth requires this file): runs the CLI on this process. */
import { runCli } from './run';

// `berth apps:list | head -1` closes stdout early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); });

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
}).then((code) => { process.exitCode = code; });
