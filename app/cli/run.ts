import { ApiClient } from './api-client';
import { parseArgv } from './argv';
import { inferApp } from './infer-app';
import { CliError } from './cli-error';
import { loadCredentials } from './credentials';
import { renderOverview, renderVerbHelp } from './help-text';
import { globalOrAll, hoistLeadingFlags, printProperty } from './dokku-compat';
import { findVerb, unknownVerb } from './lookup';
import { Output } from './output';
import { runPluginVerb } from './plugin-verbs';
import { GROUPS } from './registry';
import type { CliIo, VerbContext, VerbGroup } from './types';

/** Runs one CLI invocation; resolves to the exit code (0 success, 1 any error). Never throws. */
export async function runCli(typed: readonly string[], io: CliIo, groups: readonly VerbGroup[] = GROUPS): Promise<number> {
  const out = new Output(io);
  const argv = hoistLeadingFlags(typed);
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  const json = flags.includes('--json') || flags.includes('--format=json') || flags.some((a, i) => a === '--format' && flags[i + 1] === 'json');
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h') {
      out.write(renderOverview(groups));
      return 0;
    }
    const verb = findVerb(groups, name);
    const newClient = () => new ApiClient({ ...loadCredentials(io.env), progress: out.progress, client: io.env.BERTH_CLIENT === 'ssh' ? 'ssh' : 'cli' });
    if (!verb && name.includes(':')) {
      // Maybe a verb a plugin adds (`<id>:<verb>`): berth knows those, the CLI does not.
      await runPluginVerb({ name, rest, json, out, groups, api: newClient });
      return 0;
    }
    if (!verb) throw unknownVerb(groups, name);
    let client: ApiClient | undefined;
    const api = () => (client ??= newClient());
    const handled = await globalOrAll({ verb, rest, out, api, rerun: (again) => runCli(again, io, groups) });
    if (handled !== undefined) return handled;
    const args = parseArgv(verb, rest, () => inferApp(io));
    if (args.help) {
      out.write(renderVerbHelp(verb));
      return 0;
    }
    out.quiet = args.quiet === true;
    const ctx: VerbContext = {
      verb, args, json: args.json, out, io, groups, invokedAs: name,
      api,
      arg: (n) => {
        const v = args.positional[n];
        if (v === undefined) throw new CliError('INTERNAL', `${verb.name} read argument <${n}>, which it does not declare`);
        return v;
      },
    };
    if (args.property !== undefined) { await printProperty(ctx, args.property); return 0; }
    // dokku's `<area>:report <app> --format json` is the properties as one object (berth's --json stays the API's answer).
    if (verb.properties && args.options.format === 'json') { out.json(await verb.properties(ctx)); return 0; }
    const code = await verb.run(ctx);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    out.fail(e, json);
    return 1;
  } finally {
    out.progress.done();
  }
}
