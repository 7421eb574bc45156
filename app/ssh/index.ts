export { sshCommandHandler } from './ssh-commands';
export { splitCommand } from './split-command';
export type { SshServices } from './ssh-services';
