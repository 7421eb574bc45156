/** Bare git repos, git's smart HTTP and the pre-receive hook's protocol. */
export { createGitRepos, type GitReposOptions } from './git-repos';
export { readHookRequest, type ReadHookRequestOptions } from './hook-request';
export { hookResponseWriter, type HookResponseWriter } from './hook-response';
export { HOOK_SECRET_HEADER } from './hook-protocol';
export { createRemoteGit } from './remote-git';
