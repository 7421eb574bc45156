import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Tenant } from './tenant';

/**
 * An app's own nginx.conf.njk, pushed by a collaborator, used to become server blocks in the
 * config root's nginx master reads: `include` of root-only files (their text in the push error),
 * `access_log` anywhere as root, `alias /` + `autoindex` on port 80 (berth.db downloaded).
 */
export function templateAttacks(t: () => Tenant): void {
  describe('an app\'s nginx.conf.njk is a checked snippet, not root nginx config', () => {
    const configOf = async (app: string) => (await t().berth.api('GET', `/api/v1/apps/${app}/nginx/config`)).json.config as string;
    const pushTemplate = (template: string, message: string) => {
      const { berth, appA, dev, tree } = t();
      tree.write('nginx.conf.njk', template);
      tree.commitAll(message);
      return tree.push(berth.url, dev.token, appA);
    };

    it('a snippet of allowed directives is served inside berth\'s own server block', async () => {
      const { berth, appA } = t();
      const ok = pushTemplate('add_header X-Sec {{ APP }} always;\nlocation = /sec-snippet {\n  return 200 "snippet-{{ APP }}";\n}\n', 'snippet');
      assert.equal(ok.code, 0, ok.output);
      const res = await berth.viaRouter(`${appA}.localhost`, '/sec-snippet');
      assert.equal(res.text, `snippet-${appA}`);
    });

    it('include, alias/root, *_log, load_module, lua and raw server blocks fail the push (INVALID_NGINX_TEMPLATE); the config stays and nothing leaks', async () => {
      const { berth, appA } = t();
      const before = await configOf(appA);
      const marker = path.join(berth.home, 'sec-written-by-nginx');
      // Three pushes (refused before their build); the rest of the allow-list (root, *_log,
      // load_module, lua, proxy_pass elsewhere) is test/unit/nginx-snippet.test.ts.
      const attacks: [string, RegExp][] = [
        [`include ${berth.home}/berth.db;\n`, /nginx\.conf\.njk line 1: "include" is not allowed/],
        [`location /h/ {\n  autoindex on;\n  access_log ${marker};\n  alias /;\n}\n`, /nginx\.conf\.njk line 2: "autoindex" is not allowed/],
        [`server {\n  listen {{ HTTP_LISTEN }};\n  server_name {{ SERVER_NAMES }};\n  location / { alias /; autoindex on; }\n}\n`, /nginx\.conf\.njk line 1: a server block replaces berth's own; only an admin/],
      ];
      for (const [template, message] of attacks) {
        const r = pushTemplate(template, 'attack');
        assert.notEqual(r.code, 0, template);
        // The push names no codes; `nginx.conf.njk line N:` is INVALID_NGINX_TEMPLATE's message (template-snippet.ts).
        assert.match(r.output, message, r.output);
        assert.doesNotMatch(r.output, /SQLite format/, template);
      }
      assert.equal(await configOf(appA), before, 'the served config did not change');
      assert.equal(fs.existsSync(marker), false, 'nginx wrote no file');
      assert.equal((await berth.viaRouter(`${appA}.localhost`, '/sec-snippet')).text, `snippet-${appA}`, 'the last good release keeps serving');
    });

    it('only an admin lets an app use raw server blocks (403 FORBIDDEN for its developer and a viewer; the setting stays off)', async () => {
      const { appA, dev, viewer } = t();
      for (const who of [dev, viewer]) {
        for (const body of [{ set: { 'raw-template': 'true' } }, { unset: ['raw-template'] }]) {
          const r = await t().api(who.token, 'PATCH', `/api/v1/apps/${appA}/nginx`, body);
          assert.equal(r.status, 403, JSON.stringify(body));
          assert.equal(r.json.error.code, 'FORBIDDEN', JSON.stringify(body));
        }
      }
      const report = (await t().berth.api('GET', `/api/v1/apps/${appA}/nginx`)).json.nginx;
      assert.equal(JSON.stringify(report).includes('"raw-template":"true"'), false, JSON.stringify(report));
    });

    it('nginx workers run unprivileged (not root)', () => {
      const pid = Number(fs.readFileSync(path.join(t().berth.home, 'nginx', 'nginx.pid'), 'utf8').trim());
      const workers = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
        try { return /^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] === String(pid); } catch { return false; }
      });
      assert.ok(workers.length > 0, 'nginx has workers');
      for (const w of workers) {
        const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${w}/status`, 'utf8'))?.[1];
        assert.notEqual(uid, '0', `worker ${w} runs as root`);
      }
    });
  });
}
