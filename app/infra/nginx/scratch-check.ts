import fs from 'node:fs';
import path from 'node:path';
import { readFileOrNull } from './atomic-write';
import { testConfig, type CliResult } from './nginx-cli';
import type { NginxPaths } from './paths';

const INCLUDES = /^([ \t]*)include own\/\*\.conf;[ \t]*\n[ \t]*include apps\/\*\.conf;/m;

/**
 * `nginx -t` of just these server files: a copy of the live nginx.conf (same http block, same
 * listeners) that includes them instead of every app's. At 1,000 apps that is a few milliseconds
 * instead of parsing 1,000 server blocks, and a file nginx refuses is found as that file's fault,
 * not whoever changed something at the same moment. The scratch file sits next to nginx.conf
 * because nginx resolves `include` against the main file's directory.
 */
export async function checkAlone(o: { nginxBin: string; paths: NginxPaths; timeoutMs: number }, confFiles: readonly string[]): Promise<CliResult> {
  if (confFiles.length === 0) return { ok: true, output: '' };
  const main = readFileOrNull(o.paths.conf);
  // No main config yet (start() has not run) or one without the two includes: check the whole.
  if (main === null || !INCLUDES.test(main)) return testConfig(o.nginxBin, o.paths, o.timeoutMs);
  const includes = confFiles.map((f) => `include ${path.relative(o.paths.dir, f)};`);
  const text = main.replace(INCLUDES, (_m, indent: string) => includes.map((l) => `${indent}${l}`).join('\n'));
  const file = path.join(o.paths.dir, `.check-${process.pid}.conf`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  try {
    return await testConfig(o.nginxBin, o.paths, o.timeoutMs, file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}
