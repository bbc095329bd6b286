import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    cliName: 'ledger',
    logger: ['error', 'warn'],
    // nest-commander only prints a failed command's error; make it fail the process too.
    serviceErrorHandler: (error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
