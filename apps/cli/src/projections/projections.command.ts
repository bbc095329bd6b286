import { Command, Option } from 'nest-commander';
import { runCommand } from '../common/cli-error';
import { ledgerClientFrom } from '../common/connection-options';
import { LedgerHttpCommand } from '../common/ledger-http-command';
import { fetchProjections } from './fetch-projections';
import { formatProjectionsTable } from './projection-status';

@Command({ name: 'projections', description: 'Show the projections of a running ledger: version, phase, checkpoint, throughput, rebuild' })
export class ProjectionsCommand extends LedgerHttpCommand {
  run(_params: string[], raw: Record<string, unknown> = {}): Promise<void> {
    return runCommand('projections', async () => {
      const client = ledgerClientFrom(raw);
      const projections = await fetchProjections(client);
      process.stdout.write(raw['json'] === true ? `${JSON.stringify(projections, null, 2)}\n` : formatProjectionsTable(projections));
    });
  }

  @Option({ flags: '--json', description: 'print the JSON instead of a table' })
  parseJson(): boolean {
    return true;
  }
}
