/** The berth CLI: verbs that talk to berth over its REST API. main.ts runs it. */
export { runCli } from './run';
export { GROUPS } from './registry';
export { renderMarkdown, renderOverview, renderVerbHelp } from './help';
export { parseArgv, parseAssignment, GLOBAL_OPTIONS } from './argv';
export { exportLines, shellQuote } from './shell-quote';
export { closest, editDistance } from './suggest';
export { findVerb } from './lookup';
export { CliError } from './cli-error';
export { Progress } from './progress';
export { credentialsPath, loadCredentials } from './credentials';
export type { CliIo, Verb, VerbGroup, ArgSpec, OptionSpec, ParsedArgs } from './types';
