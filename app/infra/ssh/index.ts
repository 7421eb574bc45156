export { startSshServer, type SshExec } from './ssh-server';
