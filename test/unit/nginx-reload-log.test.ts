import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emergSince } from '../../app/infra/nginx/reload';

/**
 * A reload nginx refused shows as an `[emerg]` line in its error.log (reload.ts). The lines below
 * are real nginx 1.22 output: the first written by a stranger's one request to a name no app
 * serves (a body over client_max_body_size, its URI /[emerg]), the second by a refused SIGHUP.
 */
describe('nginx reload: only nginx\'s own [emerg] line means a refused config', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-reload-log-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const stranger = '2026/12/08 02:38:03 [error] 20682#20682: *1 client intended to send too large body: 5000000 bytes, client: 127.0.0.1, server: _, request: "POST /[emerg] HTTP/1.1", host: "nobody.test"';
  const refused = '2026/12/08 02:38:10 [emerg] 20734#20734: unknown directive "bogus_directive" in /tmp/berth/nginx/apps/shop.conf:7';

  it('a request line carrying "[emerg]" is no refusal; nginx\'s own line past the offset is', () => {
    const log = path.join(dir, 'error.log');
    fs.writeFileSync(log, `${refused}\n`);
    const from = fs.statSync(log).size; // the reload starts here: the older refusal is not this one's
    fs.appendFileSync(log, `${stranger}\n`);
    assert.equal(emergSince(log, from), null);
    fs.appendFileSync(log, `${stranger.replace('*1', '*2')}\n${refused}\n`);
    assert.equal(emergSince(log, from), refused);
    assert.equal(emergSince(path.join(dir, 'none.log'), 0), null);
  });
});
