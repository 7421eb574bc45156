import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNginxRouter } from '../../app/infra/nginx';
import { httpGet } from '../support/berth-process';
import { routerConformance } from '../conformance/router';
import { requireBerthStack } from '../support/requirements';

// The real adapter: berth's own nginx master on loopback ports of its own, in a temp folder.
routerConformance('NginxRouter (real nginx)', async () => {
  requireBerthStack();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-router-conf-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const router = createNginxRouter({ dir, nginxBin: 'nginx', httpPort: port, httpsPort: port + 1, listenAddress: '127.0.0.1', domain: 'berth.localhost' });
  await router.start();
  return {
    router,
    domain: 'berth.localhost',
    get: async (host) => { const r = await httpGet({ port, host, path: '/' }); return { status: r.status, body: r.text }; },
    async close() {
      await router.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
