import type { VerbGroup } from './types';
import { appsVerbs } from './verbs/apps';
import { authVerbs } from './verbs/auth';
import { buildsVerbs } from './verbs/builds';
import { builderVerbs } from './verbs/builder';
import { builderDockerfileVerbs } from './verbs/builder-dockerfile';
import { registryVerbs } from './verbs/registry';
import { configVerbs } from './verbs/config';
import { eventsVerbs } from './verbs/events';
import { gitVerbs } from './verbs/git';
import { forgeVerbs } from './verbs/forge';
import { helpVerbs } from './verbs/help';
import { releasesVerbs } from './verbs/releases';
import { psVerbs } from './verbs/ps';
import { resourceVerbs } from './verbs/resource';
import { storageVerbs } from './verbs/storage';
import { logsVerbs } from './verbs/logs';
import { runVerbs } from './verbs/run';
import { domainsVerbs } from './verbs/domains';
import { portsVerbs } from './verbs/ports';
import { nginxVerbs } from './verbs/nginx';
import { certsVerbs } from './verbs/certs';
import { letsencryptVerbs } from './verbs/letsencrypt';
import { servicesVerbs } from './verbs/services';
import { backupsVerbs } from './verbs/backups';
import { berthBackupVerbs } from './verbs/berth-backup';
import { pluginsVerbs } from './verbs/plugins';
import { schedulersVerbs } from './verbs/schedulers';
import { usersVerbs } from './verbs/users';
import { tokensVerbs } from './verbs/tokens';
import { dokkuVerbs } from './verbs/dokku-verbs';
import { dokkuReports } from './verbs/dokku-reports';
import { importDokkuVerbs } from './verbs/import-dokku';
import { dokkuGitNetworkVerbs } from './verbs/dokku-git-network';
import { checksVerbs } from './verbs/checks';
import { deployWatchVerbs } from './verbs/deploy-watch';
import { dokkuMoreVerbs } from './verbs/dokku-more';
import { versionVerbs } from './verbs/version';
import { notificationsVerbs } from './verbs/notifications';
import { serverFileVerbs } from './verbs/server-file';
import { diskVerbs } from './verbs/disk';
import { withReportProperties } from './report-properties';

/** Every verb, by group, in the order `berth help` and docs/cli.md show them. */
export const GROUPS: readonly VerbGroup[] = withReportProperties([
  appsVerbs, configVerbs, gitVerbs, forgeVerbs, builderVerbs, builderDockerfileVerbs, registryVerbs, buildsVerbs, releasesVerbs, eventsVerbs, authVerbs, helpVerbs,
  psVerbs, checksVerbs, deployWatchVerbs, resourceVerbs, storageVerbs, diskVerbs,
  logsVerbs, runVerbs,
  domainsVerbs, portsVerbs, nginxVerbs, certsVerbs, letsencryptVerbs,
  servicesVerbs, backupsVerbs, berthBackupVerbs, pluginsVerbs,
  schedulersVerbs, notificationsVerbs, serverFileVerbs,
  usersVerbs, tokensVerbs, versionVerbs,
  dokkuVerbs, dokkuReports, dokkuGitNetworkVerbs, dokkuMoreVerbs, importDokkuVerbs,
]);
