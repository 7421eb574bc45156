/**
 * An error the CLI reports: the API's `{code, message}` passed through unchanged, or one of the
 * CLI's own (NOT_LOGGED_IN, UNREACHABLE, USAGE, …). `hint` is extra text shown after the message.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.code = code;
    this.hint = options?.hint;
  }
}

export const usageError = (message: string, usage: string): CliError =>
  new CliError('USAGE', message, { hint: `Usage: ${usage}` });
