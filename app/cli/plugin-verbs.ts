import type { ApiClient } from './api-client';
import { unknownVerb } from './lookup';
import type { Output } from './output';
import type { VerbGroup } from './types';
import type { PluginVerbView as PluginVerb, PluginVerbsResponse } from './api-types';

export interface PluginVerbCall {
  readonly name: string;
  readonly rest: readonly string[];
  readonly json: boolean;
  readonly out: Output;
  readonly groups: readonly VerbGroup[];
  readonly api: () => ApiClient;
}

/**
 * `berth <id>:<verb> args…` for a verb no built-in group knows: asks berth which verbs its plugins
 * add and calls the route the verb maps to — POST with `{ args: [...] }`, GET with `?args=…` per
 * argument. A string answer prints as text, anything else as JSON.
 */
export async function runPluginVerb(call: PluginVerbCall): Promise<void> {
  // A built-in group's prefix (`apps:lsit`) is a typo, not a plugin verb.
  if (call.groups.some((g) => call.name.startsWith(`${g.name}:`))) throw unknownVerb(call.groups, call.name);
  let verbs: readonly PluginVerb[];
  try {
    verbs = (await call.api().get<PluginVerbsResponse>('/api/v1/plugins/verbs')).verbs;
  } catch {
    // Not logged in, or berth is unreachable: say what is certain — the CLI does not know the verb.
    throw unknownVerb(call.groups, call.name);
  }
  const verb = verbs.find((v) => v.name === call.name);
  if (!verb) throw unknownVerb(call.groups, call.name);
  const end = call.rest.indexOf('--');
  const flags = end < 0 ? call.rest : call.rest.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) {
    call.out.line(`Usage: ${verb.usage}\n\n${verb.summary}\n\n(from plugin ${verb.plugin})`);
    return;
  }
  const args = [...flags.filter((a) => a !== '--json'), ...(end < 0 ? [] : call.rest.slice(end + 1))];
  const route = `/api/v1/plugins/${encodeURIComponent(verb.plugin)}/api${verb.path}`;
  const answer = verb.method === 'POST'
    ? await call.api().json<unknown>('POST', route, { args })
    : await call.api().get<unknown>(`${route}${args.length ? `?${args.map((a) => `args=${encodeURIComponent(a)}`).join('&')}` : ''}`);
  if (typeof answer === 'string' && !call.json) call.out.line(answer.replace(/\n$/, ''));
  else call.out.json(answer ?? {});
}
