import { CommandRunner, Option } from 'nest-commander';
import { DEFAULT_URL } from './connection-options';

/** The options of every command that talks to a running ledger. */
export abstract class LedgerHttpCommand extends CommandRunner {
  @Option({ flags: '-u, --url <url>', description: 'base URL of a running ledger', defaultValue: DEFAULT_URL })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '-H, --header <name:value>', description: 'extra request header (repeatable)' })
  parseHeader(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '--api-key <key>', description: 'sent as a bearer token (default: $LEDGER_API_KEY)' })
  parseApiKey(value: string): string {
    return value;
  }
}
