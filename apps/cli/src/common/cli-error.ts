/** Exit codes: 1 the operation failed (server error, not found, conflict), 2 bad usage or bad input. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A failure the user can act on: printed as `ledger <command>: <message>`, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_USAGE);

/** Runs a command body; a CliError becomes a one-line message and an exit code, anything else keeps its stack. */
export async function runCommand(command: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error: unknown) {
    if (error instanceof CliError) {
      process.stderr.write(`ledger ${command}: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}
