export { UsersService, hashToken } from './users-service';
export { apiUse, NO_DEPLOY_USE, DEPLOY_TOKEN_DAYS, type TokenUse, type DeployAction } from './deploy-scope';
export { AccessService, assertUserName } from './access-service';
export { can, forbidden, ROLES, type Action, type Role } from './authorize';
export { LoginLimiter } from './login-limiter';
export { sshFingerprint, fingerprintOfBlob } from './ssh-key';
