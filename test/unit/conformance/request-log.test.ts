import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nginxRequestLog, REQUEST_LOG_FILE } from '../../../app/infra/nginx';
import { requestLogConformance } from '../../conformance/request-log';
import { InMemoryRequestLog } from '../../support/fakes/request-log';

// The real adapter reads a file in-process: a fresh folder per test, written as nginx writes it (appends).
requestLogConformance('infra/nginx (the log file in a fresh folder)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-reqlog-conf-'));
  const log = nginxRequestLog(dir);
  const logs = path.join(dir, 'logs');
  const file = path.join(logs, REQUEST_LOG_FILE);
  fs.mkdirSync(logs, { recursive: true });
  return {
    log,
    append: (text) => fs.appendFileSync(file, text),
    // Written beside and renamed over: another inode while the old one still exists.
    replaceFile: () => { fs.writeFileSync(`${file}.new`, ''); fs.renameSync(`${file}.new`, file); },
    truncate: () => fs.truncateSync(file, 0),
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

requestLogConformance('InMemoryRequestLog (test/support/fakes)', () => {
  const log = new InMemoryRequestLog();
  return { log, append: (t) => log.append(t), replaceFile: () => log.replaceFile(), truncate: () => log.truncate(), close: () => undefined };
});
