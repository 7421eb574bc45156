import type { ApiClient } from './api-client';
import type { Output } from './output';

/** A positional argument. `variadic` (last only) collects the rest into `ParsedArgs.rest`. */
export interface ArgSpec {
  readonly name: string;
  readonly summary: string;
  /** Default false: the argument must be given. */
  readonly optional?: boolean;
  readonly variadic?: boolean;
  /** Variadic only: from its first word on, every word is the argument's, options too (`run app python manage.py --noinput`). */
  readonly raw?: boolean;
  /** With variadic: words from here on are taken as they are, even ones starting with `-`. */
  readonly literal?: boolean;
}

export interface OptionSpec {
  /** Long name without dashes: `no-restart` is `--no-restart`. */
  readonly name: string;
  /** One letter: `n` is `-n`. */
  readonly short?: string;
  /** Placeholder shown when the option takes a value (`N`, `<app>`); absent for flags. */
  readonly value?: string;
  /** May be given more than once (`-e A=1 -e B=2`): the values, in order, joined by NUL (argv cannot hold one). */
  readonly repeatable?: boolean;
  readonly summary: string;
}

/** One CLI verb. `usage` is written by hand; a unit test checks it names every arg and option. */
export interface Verb {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** A generic verb: also runs for every name this matches (`<service>:create` → `postgres:create`). */
  readonly pattern?: RegExp;
  readonly usage: string;
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly options: readonly OptionSpec[];
  /** dokku's `*:report <app> --<property>`: the verb's values by property name (app/cli/report-properties.ts fills it in). */
  readonly properties?: (ctx: VerbContext) => Promise<Readonly<Record<string, string>>>;
  /** Resolves to nothing (exit 0) or an exit code to pass on (`berth run` exits with its command's). */
  run(ctx: VerbContext): Promise<void | number>;
}

export interface VerbGroup {
  readonly name: string;
  readonly summary: string;
  readonly verbs: readonly Verb[];
}

export interface ParsedArgs {
  /** Non-variadic positionals by name (optional ones absent when not given). */
  readonly positional: Readonly<Record<string, string>>;
  /** Values of the variadic argument, if the verb has one. */
  readonly rest: readonly string[];
  /** Options by long name: a string for value options, true for flags. */
  readonly options: Readonly<Record<string, string | true>>;
  readonly json: boolean;
  readonly help: boolean;
  /** dokku's `--quiet`: no `----->`/`=====>` lines and no notes. */
  readonly quiet?: boolean;
  /** A `--<property>` a report verb does not declare as an option: print just that value. */
  readonly property?: string;
}

/** Where the CLI reads and writes; the real process in main.ts, captured streams in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** false when the CLI runs inside berth for an SSH user: paths they name would be berth's disk (user-files.ts). */
  readonly localFiles?: boolean;
}

export interface VerbContext {
  readonly verb: Verb;
  /** The verb name as typed (differs from verb.name for a generic verb). */
  readonly invokedAs?: string;
  readonly args: ParsedArgs;
  readonly json: boolean;
  readonly out: Output;
  readonly io: CliIo;
  readonly groups: readonly VerbGroup[];
  /** The API client for the stored or env credentials; throws NOT_LOGGED_IN without them. */
  api(): ApiClient;
  /** A required positional (the parser has checked it is there). */
  arg(name: string): string;
}
