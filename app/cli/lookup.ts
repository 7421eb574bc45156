import { CliError } from './cli-error';
import { closest } from './suggest';
import type { Verb, VerbGroup } from './types';

/** The verb called `name` (or aliased so). */
export function findVerb(groups: readonly VerbGroup[], name: string): Verb | undefined {
  for (const g of groups) for (const v of g.verbs) if (v.name === name || v.aliases?.includes(name)) return v;
  for (const g of groups) for (const v of g.verbs) if (v.pattern?.test(name)) return v;
  return undefined;
}

export function unknownVerb(groups: readonly VerbGroup[], name: string): CliError {
  const names = groups.flatMap((g) => g.verbs.flatMap((v) => [v.name, ...(v.aliases ?? [])]));
  const guess = closest(name, names);
  return new CliError('UNKNOWN_VERB', `\`${name}\` is not a berth verb.${guess ? ` Did you mean \`berth ${guess}\`?` : ''}`, { hint: 'See `berth help` for all verbs.' });
}
