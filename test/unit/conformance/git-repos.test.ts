import { gitReposConformance } from '../../conformance/git-repos';
import { InMemoryGitRepos } from '../../support/fakes/git-repos';

gitReposConformance('InMemoryGitRepos (test/support/fakes)', async () => {
  const repos = new InMemoryGitRepos();
  return { repos, commit: async (app, branch, files) => repos.commit(app, branch, files), close: async () => undefined };
});
