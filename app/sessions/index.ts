export { SessionsService, type ActiveSession } from './sessions-service';
export { hashPassword, verifyPassword, assertPassword } from './password';
