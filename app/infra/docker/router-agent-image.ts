import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { BerthError } from '../../errors';
import { buildImage } from './build-image';
import { nullOn404 } from './docker-errors';

export const ROUTER_AGENT_REPO = 'berth/router-agent';

/** Debian's nginx and openssl on berth's base image; the layer docker caches across berth versions. */
const DOCKERFILE_HEAD = (base: string) => `FROM ${base}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light openssl ca-certificates \\
 && rm -f /etc/nginx/sites-enabled/default && rm -rf /var/lib/apt/lists/*
`;

const DOCKERFILE_TAIL = `COPY node /usr/local/bin/node
COPY berth /opt/berth
WORKDIR /opt/berth
ENV BERTH_HOME=/var/lib/berth-router NODE_ENV=production
STOPSIGNAL SIGTERM
CMD ["node", "dist/app/boot/router-agent-main.js"]
`;

/** Prints the packages (node_modules/<name>) the agent's code loads: only those go into the image, not berth's 270 MB. */
const LOADED_PACKAGES = `const entry = process.argv[1]; require(entry);
const names = new Set();
for (const f of Object.keys(require.cache)) { const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f); if (m) names.add(m[1]); }
process.stdout.write(JSON.stringify([...names]));`;

export interface RouterAgentImageOptions {
  /** berth's project root: package.json, dist/app, node_modules. */
  readonly root: string;
  readonly version: string;
  readonly baseImage: string;
  readonly log: (line: string) => void;
}

/** The packages the agent loads, with every package they depend on (a lazy require needs its package too). */
function packagesOf(root: string): string[] {
  const loaded = spawnSync(process.execPath, ['-e', LOADED_PACKAGES, path.join(root, 'dist/app/boot/router-agent-boot.js')], { cwd: root, encoding: 'utf8' });
  if (loaded.status !== 0) throw new BerthError('INTERNAL', `listing the router agent's packages failed: ${loaded.stderr.slice(-400)}`);
  const todo = JSON.parse(loaded.stdout) as string[];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    const manifest = path.join(root, 'node_modules', name, 'package.json');
    if (!fs.existsSync(manifest)) continue; // an optional dependency not installed here
    seen.add(name);
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    todo.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
  }
  return [...seen].sort();
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The image's files: berth's compiled app (no tests), package.json, the agent's packages, this node binary. */
function contextFiles(root: string): { name: string; file: string }[] {
  const files = [{ name: 'node', file: process.execPath }, { name: 'berth/package.json', file: path.join(root, 'package.json') }];
  for (const f of walk(path.join(root, 'dist/app'))) if (!f.endsWith('.map')) files.push({ name: `berth/${path.relative(root, f)}`, file: f });
  const templates = path.join(root, 'app/infra/nginx/templates');
  if (fs.existsSync(templates)) for (const f of walk(templates)) files.push({ name: `berth/${path.relative(root, f)}`, file: f });
  for (const name of packagesOf(root)) {
    for (const f of walk(path.join(root, 'node_modules', name))) files.push({ name: `berth/${path.relative(root, f)}`, file: f });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `berth/router-agent:<version>-<content hash>`, built here unless it exists: FROM berth's base
 * image with Debian's nginx and openssl, this host's node binary (the version berth runs on) and
 * berth's dist. The hash covers every file in it, so a rebuilt berth gets a new tag (and swarm
 * replaces the agents' tasks) while an unchanged one reuses the image.
 */
export async function ensureRouterAgentImage(docker: Docker, o: RouterAgentImageOptions): Promise<string> {
  const files = contextFiles(o.root);
  const dockerfile = DOCKERFILE_HEAD(o.baseImage) + DOCKERFILE_TAIL;
  const hash = crypto.createHash('sha256').update(dockerfile);
  for (const f of files) hash.update(`${f.name}\0`).update(fs.readFileSync(f.file));
  const tag = `${ROUTER_AGENT_REPO}:${o.version}-${hash.digest('hex').slice(0, 12)}`;
  if (await nullOn404(docker.getImage(tag).inspect())) {
    o.log(`${tag} is here already`);
    return tag;
  }
  if (!(await nullOn404(docker.getImage(o.baseImage).inspect()))) {
    throw new BerthError('ROUTER_BASE_IMAGE_MISSING', `${o.baseImage}, the router agent's base image, is not on this engine: run deploy/images/bootstrap.sh.`);
  }
  o.log(`Building ${tag} (${files.length} files; FROM ${o.baseImage} with Debian's nginx and openssl)`);
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, dockerfile);
  for (const f of files) {
    const st = fs.statSync(f.file);
    tar.entry({ name: f.name, mode: st.mode & 0o777, size: st.size }, fs.readFileSync(f.file));
  }
  tar.finalize();
  await buildImage(docker, {
    context: tar as unknown as NodeJS.ReadableStream, tag, labels: { 'berth.router-agent': o.version },
    onLog: (line: string) => { if (/^Step \d+\/\d+/.test(line)) o.log(line.trim()); },
  } as never);
  return tag;
}
