import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emergWatch } from '../../app/infra/nginx/reload';

/**
 * A reload nginx refused shows as an `[emerg]` line in its error.log (reload.ts). The lines below
 * are real nginx 1.22 output: the first written by a stranger's one request to a name no app
 * serves (a body over client_max_body_size, its URI /[emerg]), the second by a refused SIGHUP.
 */
describe('nginx reload: only nginx\'s own [emerg] line means a refused config', () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-reload-log-'));
    log = path.join(dir, 'error.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const stranger = (n: number) => `2026/12/08 02:38:03 [error] 20682#20682: *${n} client intended to send too large body: 5000000 bytes, client: 127.0.0.1, server: _, request: "POST /[emerg] HTTP/1.1", host: "nobody.test"`;
  const refused = '2026/12/08 02:38:10 [emerg] 20734#20734: unknown directive "bogus_directive" in /tmp/berth/nginx/apps/shop.conf:7';

  it('a request line carrying "[emerg]" is no refusal; nginx\'s own line written after the watch began is', () => {
    fs.writeFileSync(log, `${refused}\n`);
    const emerg = emergWatch(log); // the reload starts here: the older refusal is not this one's
    fs.appendFileSync(log, `${stranger(1)}\n`);
    assert.equal(emerg(), null);
    fs.appendFileSync(log, `${stranger(2)}\n${refused.slice(0, 30)}`); // a line being written
    assert.equal(emerg(), null);
    fs.appendFileSync(log, `${refused.slice(30)}\n`);
    assert.equal(emerg(), refused);
    assert.equal(emergWatch(path.join(dir, 'none.log'))(), null);
  });

  it('finds the refusal behind any amount of other lines (a stranger flooding error.log), each look reading only what is new', () => {
    fs.writeFileSync(log, '');
    const emerg = emergWatch(log);
    fs.appendFileSync(log, Array.from({ length: 600 }, (_, i) => `${stranger(i)}\n`).join('')); // ~130 KB
    assert.equal(emerg(), null);
    fs.appendFileSync(log, `${stranger(600)}\n${refused}\n`);
    assert.equal(emerg(), refused);
  });

  it('a log emptied meanwhile (rotation) is read from its start', () => {
    fs.writeFileSync(log, `${stranger(1)}\n${stranger(2)}\n`);
    const emerg = emergWatch(log);
    fs.writeFileSync(log, `${refused}\n`);
    assert.equal(emerg(), refused);
  });
});
