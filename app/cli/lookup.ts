import { CliError } from './cli-error';
import { DOKKU_NAMESPACES, dokkuAliasTarget } from './dokku-compat';
import { closest } from './suggest';
import type { Verb, VerbGroup } from './types';

/**
 * The verb called `name` (or aliased so, or dokku's name for it). A generic `<service>:` verb
 * matches only names outside berth's and dokku's own namespaces, so `ports:list` is not a
 * service called "ports".
 */
export function findVerb(groups: readonly VerbGroup[], name: string): Verb | undefined {
  for (const g of groups) for (const v of g.verbs) if (v.name === name || v.aliases?.includes(name)) return v;
  const target = dokkuAliasTarget(groups, name);
  if (target) return findVerb(groups, target);
  if (isBuiltinNamespace(groups, name)) return undefined;
  for (const g of groups) for (const v of g.verbs) if (v.pattern?.test(name)) return v;
  return undefined;
}

/** `ports:list` → ports is a namespace of berth's own verbs (or of dokku's), not a service plugin. */
export function isBuiltinNamespace(groups: readonly VerbGroup[], name: string): boolean {
  const ns = name.includes(':') ? name.slice(0, name.indexOf(':')) : undefined;
  if (ns === undefined) return false;
  if (DOKKU_NAMESPACES.includes(ns)) return true;
  return groups.some((g) => g.verbs.some((v) => !v.pattern && v.name.startsWith(`${ns}:`)));
}

export function unknownVerb(groups: readonly VerbGroup[], name: string): CliError {
  const names = groups.flatMap((g) => g.verbs.filter((v) => !v.pattern).flatMap((v) => [v.name, ...(v.aliases ?? [])]));
  const guess = closest(name, names);
  return new CliError('UNKNOWN_VERB', `\`${name}\` is not a berth verb.${guess ? ` Did you mean \`berth ${guess}\`?` : ''}`, { hint: 'See `berth help` for all verbs (docs/migrating-from-dokku.md maps dokku\'s).' });
}
