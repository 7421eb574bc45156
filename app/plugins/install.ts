import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import { readManifest } from './manifest';

const NPM_SPEC = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*(@[A-Za-z0-9.^~<>=*-]+)?$/;

const failed = (message: string, cause?: unknown) => new BerthError('PLUGIN_INSTALL_FAILED', message, { cause });

/**
 * Installs a plugin into `installedDir/<id>`: a folder is linked (so it loads from where it is),
 * an npm package (or a tarball made by `npm pack`) is installed with `npm install --prefix`.
 * Returns the plugin's id.
 */
export function installPlugin(o: { source: string; installedDir: string; npmBin?: string }): { id: string; source: string } {
  fs.mkdirSync(o.installedDir, { recursive: true });
  const asPath = path.resolve(o.source);
  if (path.isAbsolute(o.source) && fs.existsSync(asPath) && fs.statSync(asPath).isDirectory()) {
    const manifest = readManifestOrFail(asPath);
    const target = path.join(o.installedDir, manifest.id);
    if (fs.existsSync(target)) throw failed(`plugin ${manifest.id} is installed already (${target}); remove it first.`);
    fs.symlinkSync(asPath, target, 'dir');
    return { id: manifest.id, source: asPath };
  }
  const isTarball = path.isAbsolute(o.source) && /\.(tgz|tar\.gz)$/.test(o.source) && fs.existsSync(asPath);
  if (!isTarball && !NPM_SPEC.test(o.source)) {
    throw failed(`"${o.source}" is neither an absolute path to a plugin folder or .tgz, nor an npm package name.`);
  }
  const staging = path.join(o.installedDir, `.staging-${crypto.randomBytes(4).toString('hex')}`);
  fs.mkdirSync(staging);
  try {
    fs.writeFileSync(path.join(staging, 'package.json'), '{"private":true}\n');
    const r = spawnSync(o.npmBin ?? 'npm', ['install', '--prefix', staging, '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error', isTarball ? asPath : o.source], {
      encoding: 'utf8', timeout: 300_000,
    });
    if (r.status !== 0) throw failed(`npm install ${o.source} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-5).join('\n')}`);
    const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {});
    if (deps.length !== 1) throw failed(`npm install ${o.source} did not add exactly one package.`);
    const manifest = readManifestOrFail(path.join(staging, 'node_modules', deps[0]));
    const target = path.join(o.installedDir, manifest.id);
    if (fs.existsSync(target)) throw failed(`plugin ${manifest.id} is installed already (${target}); remove it first.`);
    fs.renameSync(staging, target);
    return { id: manifest.id, source: o.source };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function readManifestOrFail(dir: string) {
  try {
    return readManifest(dir);
  } catch (e) {
    throw failed(`not a berth plugin: ${(e as Error).message}`, e);
  }
}
