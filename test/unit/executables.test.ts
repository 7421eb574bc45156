import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BASH_BUILTINS } from '../support/shell-commands';
import { hostSourceFiles, scanRepository, type SpawnSite } from '../support/spawned-programs';

const ROOT = path.resolve(__dirname, '../../..');
const MANIFEST = path.join(ROOT, 'deploy/executables.txt');
const GROUPS = ['berth', 'test', 'base', 'init', 'prereq'] as const;

interface Row { program: string; pkg: string; group: string; line: number }

export function parseManifest(text: string): Row[] {
  return text.split('\n').flatMap((raw, i) => {
    const l = raw.replace(/#.*$/, '').trim();
    if (!l) return [];
    const [program, pkg, group] = l.split(/\s+/);
    return [{ program, pkg, group, line: i + 1 }];
  });
}

/**
 * child_process calls whose program is not a literal the reader can follow: what each runs.
 * A new call of that kind fails the test until it is added here (with its programs).
 */
const INDIRECT: Record<string, { programs: string[]; why: string }> = {
  'app/infra/git/stream-service.ts': { programs: ['git-upload-pack', 'git-receive-pack'], why: 'the SSH transport runs request.service, one of the two' },
  'app/cli/dokku-import/ssh-copy.ts': { programs: ['ssh'], why: 'import:dokku over ssh runs BERTH_SSH_COMMAND, default ssh' },
  'app/infra/nginx/nginx-cli.ts': { programs: ['nginx'], why: 'BERTH_NGINX_BIN, default nginx' },
  'app/infra/nginx/tls-files.ts': { programs: ['openssl'], why: 'the router\'s opensslBin, default openssl' },
  'test/e2e/support/browser.ts': { programs: ['chromium'], why: 'playwright launches executablePath, default /usr/bin/chromium' },
  'test/support/laptop-browser.ts': { programs: ['chromium'], why: 'the laptop test passes CHROMIUM (default /usr/bin/chromium) as executablePath' },
  'test/bench/scale-chart.ts': { programs: ['chromium'], why: 'the scale bench photographs its chart with BERTH_CHROMIUM (default /usr/bin/chromium)' },
};

/** Programs the project itself puts on the PATH. */
const PROJECT_PROGRAMS = new Set(['berth']); // deploy/install.sh links bin/berth into /usr/local/bin

/** Shell functions defined in any of the project's scripts (library functions are sourced). */
function shellFunctions(): Set<string> {
  const names = new Set<string>();
  for (const f of hostSourceFiles(ROOT).filter((f) => f.endsWith('.sh') || !/\.(ts|js)$/.test(f))) {
    for (const m of fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)\s*\{/gm)) names.add(m[1]);
  }
  return names;
}

/** Every program the sources start, with the indirect ones added. */
function spawned(): { sites: SpawnSite[]; unnamedOutside: string[] } {
  const { sites, unnamed } = scanRepository(ROOT);
  const all = [...sites];
  for (const [file, { programs }] of Object.entries(INDIRECT)) for (const program of programs) all.push({ program, file, line: 0, viaShell: false });
  const launchers = hostSourceFiles(ROOT).filter((f) => /\.(ts|js)$/.test(f) && /executablePath\s*:/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  const unnamedOutside = [
    ...unnamed.filter((u) => !INDIRECT[u.file]).map((u) => `${u.file}:${u.line}: ${u.text}`),
    ...launchers.filter((f) => !INDIRECT[f]).map((f) => `${f}: launches a browser by executablePath`),
  ];
  const functions = shellFunctions();
  const programs = all.filter((s) => !(s.viaShell && BASH_BUILTINS.has(s.program)) && !functions.has(s.program) && !PROJECT_PROGRAMS.has(s.program)
    && !s.program.includes('$') && !s.program.endsWith('.sh'));
  return { sites: programs, unnamedOutside };
}

/** Programs run somewhere that no row of the manifest names, with where they run. */
export function missingFromManifest(sites: readonly SpawnSite[], rows: readonly Row[]): Map<string, string[]> {
  const listed = new Set(rows.map((r) => r.program));
  const missing = new Map<string, string[]>();
  for (const s of sites) {
    if (listed.has(s.program)) continue;
    missing.set(s.program, [...(missing.get(s.program) ?? []), `${s.file}:${s.line}`]);
  }
  return missing;
}

describe('every program berth or its tests run is installed by the scripts (deploy/executables.txt)', () => {
  const rows = parseManifest(fs.readFileSync(MANIFEST, 'utf8'));
  const { sites, unnamedOutside } = spawned();

  it('reads the program of every child_process call (or INDIRECT says what it runs)', () => {
    assert.deepEqual(unnamedOutside, [], 'name what these run in INDIRECT (test/unit/executables.test.ts)');
  });

  it('finds the programs berth is known to run (the reader works)', () => {
    const found = new Set(sites.map((s) => s.program));
    for (const p of ['docker-registry', 'git', 'nginx', 'debootstrap', 'openssl', 'ssh-keygen', 'pebble', 'wrk', 'ip', 'dockerd', 'redis-cli', 'mkfs.ext4', 'node']) {
      assert.ok(found.has(p), `${p} was not found in the sources`);
    }
    for (const p of ['vfs', 'docker.io', 'times', 'echo', 'step', 'build_runtime_image']) assert.ok(!found.has(p), `${p} is not a program run here`);
  });

  it('every program run has a row naming its Debian package', () => {
    const missing = missingFromManifest(sites, rows);
    assert.deepEqual([...missing.entries()].map(([p, at]) => `${p} (${at.slice(0, 3).join(', ')})`), [],
      'add these to deploy/executables.txt with their Debian package and group');
  });

  it('the check fails when a spawned program is removed from the list (docker-registry, ssh-keygen, wrk)', () => {
    const already = new Set(missingFromManifest(sites, rows).keys());
    for (const gone of ['docker-registry', 'ssh-keygen', 'wrk']) {
      const missing = missingFromManifest(sites, rows.filter((r) => r.program !== gone));
      assert.deepEqual([...missing.keys()].filter((p) => !already.has(p)), [gone]);
    }
  });

  it('every row is well-formed and names a program something runs', () => {
    const run = new Set(sites.map((s) => s.program));
    for (const r of rows) {
      assert.ok((GROUPS as readonly string[]).includes(r.group), `line ${r.line}: group "${r.group}" is not one of ${GROUPS.join(', ')}`);
      assert.match(r.pkg, /^[a-z0-9][a-z0-9.+-]+$/, `line ${r.line}: package`);
      if (r.program !== '-') assert.ok(run.has(r.program), `line ${r.line}: nothing runs ${r.program}; remove the row`);
    }
    assert.equal(new Set(rows.filter((r) => r.program !== '-').map((r) => r.program)).size, rows.filter((r) => r.program !== '-').length, 'a program is listed twice');
  });

  it('deploy/install.sh installs group berth and deploy/test-deps.sh group test, read from the list', () => {
    for (const [script, group] of [['deploy/install.sh', 'berth'], ['deploy/test-deps.sh', 'test']] as const) {
      const text = fs.readFileSync(path.join(ROOT, script), 'utf8');
      assert.match(text, new RegExp(`packages-for\\.sh"? ${group}\\)`), `${script} reads group ${group}`);
      const printed = spawnSync('bash', [path.join(ROOT, 'deploy/packages-for.sh'), group], { encoding: 'utf8' });
      assert.equal(printed.status, 0, printed.stderr);
      const expected = [...new Set(rows.filter((r) => r.group === group).map((r) => r.pkg))].sort();
      assert.deepEqual(printed.stdout.trim().split('\n'), expected);
    }
  });
});
