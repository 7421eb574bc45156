import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * In its own process: the test's CLI calls (spawnSync) block the mocha process, and berth uploads
 * while they wait. Prints the port once listening; stops on SIGTERM.
 */
const SERVER = `
const S3rver = require('s3rver');
const [dir, bucket] = process.argv.slice(1);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
server.run().then(({ port }) => console.log('port ' + port));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/**
 * A local S3-compatible server (s3rver, a devDependency) on loopback, with one bucket, its objects
 * as files below `dir` (`<dir>/<bucket>/<key>._S3rver_object`). Credentials: S3RVER / S3RVER.
 */
export async function startS3Server(bucket: string): Promise<{ endpoint: string; dir: string; objects(prefix: string): string[]; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-s3-'));
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER, dir, bucket], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(__dirname, '../../..') });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    dir,
    /** The keys below `prefix/` (one level), sorted. */
    objects(prefix: string): string[] {
      const folder = path.join(dir, bucket, prefix);
      if (!fs.existsSync(folder)) return [];
      return fs.readdirSync(folder).filter((f) => f.endsWith('._S3rver_object')).map((f) => f.replace(/\._S3rver_object$/, '')).sort();
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
