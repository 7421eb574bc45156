export { UsersService, hashToken } from './users-service';
