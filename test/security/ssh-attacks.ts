import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tenant } from './tenant';

/**
 * Over SSH the CLI runs inside berth, as root. `ssh-keys:add -- -k <path>` passed the local-only
 * guard: berth read any path synchronously, a FIFO froze the API, git, SSH and the worker, and the
 * answers told whether root-only paths existed.
 */
export function sshAttacks(t: () => Tenant): void {
  describe('SSH commands read no file of berth\'s host', () => {
    let dir = '';
    let key = '';
    const ssh = (command: string[]) => {
      const args = ['-i', key, '-p', t().berth.env.BERTH_SSH_PORT, '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`,
        '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-F', '/dev/null', 'berth@127.0.0.1', ...command];
      const r = spawnSync('ssh', args, { encoding: 'utf8', timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const keysOf = async () => (await t().api(t().dev.token, 'GET', '/api/v1/ssh-keys')).json.keys.map((k: { name: string }) => k.name);

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sec-ssh-'));
      key = path.join(dir, 'id');
      assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sec', '-f', key]).status, 0);
      const add = await t().api(t().dev.token, 'POST', '/api/v1/ssh-keys', { name: 'sec', key: fs.readFileSync(`${key}.pub`, 'utf8') });
      assert.equal(add.status, 201, add.text);
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('ssh-keys:add with a path, however spelled, is refused before the path is touched (LOCAL_FILE_OVER_SSH); a FIFO freezes nothing', async () => {
      const { berth } = t();
      const fifo = path.join(berth.home, 'sec-fifo');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
      try {
        const before = await keysOf();
        const answers = new Set<string>();
        for (const argv of [
          ['ssh-keys:add', '--json', '--', '-k', '/etc/shadow'],
          ['ssh-keys:add', '--json', 'k', `${berth.home}/berth.db`],
          ['ssh-keys:add', '--json', 'k', '/no/such/file'],
          ['ssh-keys:add', '--json', 'k', fifo],
          ['ssh-keys:add', '--json', '--', 'k', '/root/.ssh/id_ed25519'],
        ]) {
          const r = ssh(argv);
          assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
          const error = JSON.parse(r.stderr.trim().split('\n').pop()!).error;
          assert.equal(error.code, 'LOCAL_FILE_OVER_SSH', argv.join(' '));
          answers.add(error.message.replace(/\(not reading .*\)/, ''));
        }
        assert.equal(answers.size, 1, 'existing, missing and special paths get the same answer');
        assert.deepEqual(await keysOf(), before, 'no key was added');
        assert.equal((await fetch(`${berth.url}/healthz`)).status, 200, 'the API still answers');
      } finally {
        fs.rmSync(fifo, { force: true });
      }
    });
  });
}
