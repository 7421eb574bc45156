import { spawnSync } from 'node:child_process';
import { createDockerEngine } from '../../app/infra/docker';
import { imagesConformance } from '../conformance/images';
import { requireBerthStack } from '../support/requirements';

const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';

// The real adapter: the Docker Engine; the names it makes live under a repo of its own.
imagesConformance('Docker Engine (dockerode)', async () => {
  requireBerthStack();
  return {
    engine: createDockerEngine({ socketPath: SOCKET }),
    source: 'berth/busybox:latest',
    async close(repo: string) {
      const refs = spawnSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${repo}`], { encoding: 'utf8' })
        .stdout.split(/\s+/).filter(Boolean);
      if (refs.length) spawnSync('docker', ['rmi', ...refs]);
    },
  };
});
