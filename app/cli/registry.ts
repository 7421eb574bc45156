import type { VerbGroup } from './types';
import { appsVerbs } from './verbs/apps';
import { authVerbs } from './verbs/auth';
import { buildsVerbs } from './verbs/builds';
import { configVerbs } from './verbs/config';
import { eventsVerbs } from './verbs/events';
import { gitVerbs } from './verbs/git';
import { helpVerbs } from './verbs/help';
import { releasesVerbs } from './verbs/releases';

/** Every verb, by group, in the order `berth help` and docs/cli.md show them. */
export const GROUPS: readonly VerbGroup[] = [
  appsVerbs, configVerbs, gitVerbs, buildsVerbs, releasesVerbs, eventsVerbs, authVerbs, helpVerbs,
];
