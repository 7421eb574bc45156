import { spawnSync } from 'node:child_process';

/** Fails fast, saying how to start what is missing, instead of timing out later. */
export function requireBerthStack(): void {
  const docker = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 10_000 });
  if (docker.status !== 0) throw new Error('The Docker Engine is not running: start it with `bash deploy/services.sh ensure`.');
  const redis = spawnSync('redis-cli', ['ping'], { encoding: 'utf8', timeout: 5_000 });
  if (redis.stdout.trim() !== 'PONG') throw new Error('Redis is not running: start it with `bash deploy/services.sh ensure`.');
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (nginx.status !== 0) throw new Error('nginx is not installed: run `bash deploy/install.sh`.');
  const busybox = spawnSync('docker', ['image', 'inspect', 'berth/busybox:latest'], { encoding: 'utf8' });
  if (busybox.status !== 0) throw new Error('The fixture image berth/busybox is missing: run `bash deploy/images/bootstrap.sh`.');
}
