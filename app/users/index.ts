export { UsersService, hashToken } from './users-service';
export { AccessService, assertUserName } from './access-service';
export { can, forbidden, ROLES, type Action, type Role } from './authorize';
export { LoginLimiter } from './login-limiter';
export { sshFingerprint, fingerprintOfBlob } from './ssh-key';
