import { Command, Option } from 'nest-commander';
import { z } from 'zod';
import { CliError, runCommand, usageError } from '../common/cli-error';
import { ledgerClientFrom } from '../common/connection-options';
import { describeApiError } from '../common/ledger-client';
import { LedgerHttpCommand } from '../common/ledger-http-command';
import { progressEnabled } from '../common/progress-bar';
import { PROJECTIONS_PATH } from '../projections/fetch-projections';
import { rebuildStatusSchema } from '../projections/projection-status';
import { followRebuild } from './follow-rebuild';

const optionsSchema = z.object({
  wait: z.boolean().default(true),
  interval: z.coerce.number().min(0.1).max(3600).default(1),
  timeout: z.coerce.number().min(0).default(0),
});

@Command({
  name: 'rebuild',
  arguments: '<projection>',
  description: 'Start a blue-green rebuild of a projection and follow it until the new version serves',
  argsDescription: { projection: 'projection name, e.g. interactions (see `ledger projections`)' },
})
export class RebuildCommand extends LedgerHttpCommand {
  run(params: string[], raw: Record<string, unknown> = {}): Promise<void> {
    return runCommand('rebuild', async () => {
      const name = (params[0] ?? '').trim();
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw usageError(`"${name}" is not a projection name`);
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) throw usageError(`--${String(parsed.error.issues[0]?.path[0] ?? '?')}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const options = parsed.data;
      const client = ledgerClientFrom(raw);

      const response = await client.post(`${PROJECTIONS_PATH}/${encodeURIComponent(name)}/rebuild`);
      if (response.status === 404) throw new CliError(`unknown projection "${name}" (${describeApiError(response)})`);
      if (response.status === 409) throw new CliError(`a rebuild of ${name} is already running (${describeApiError(response)}); follow it with \`ledger projections\``);
      if (response.status !== 202 && response.status !== 200) throw new CliError(`the ledger answered ${describeApiError(response)}`);
      const started = rebuildStatusSchema.safeParse(response.body);
      const rebuild = started.success ? started.data : null;
      process.stderr.write(`ledger rebuild: started ${name}${rebuild?.targetVersion ? ` → v${rebuild.targetVersion}` : ''}\n`);
      if (!options.wait) {
        process.stdout.write(`${JSON.stringify(response.body, null, 2)}\n`);
        return;
      }
      const startedAt = performance.now();
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      const barShown = progressEnabled();
      try {
        const result = await followRebuild(client, {
          name,
          started: rebuild,
          intervalMs: options.interval * 1000,
          timeoutMs: options.timeout * 1000,
          signal: abort.signal,
          onPoll: barShown ? undefined : (line) => process.stderr.write(`ledger rebuild: ${name} ${line}\n`),
        });
        const elapsedMs = Math.round(performance.now() - startedAt);
        process.stdout.write(`${JSON.stringify({ projection: name, version: result.version, elapsedMs, rebuild: result.rebuild }, null, 2)}\n`);
      } catch (error: unknown) {
        if (abort.signal.aborted) throw new CliError('stopped following; the rebuild goes on in the service (`ledger projections`)', 130);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
  }

  @Option({ flags: '--no-wait', description: 'start the rebuild and return without following it' })
  parseNoWait(): boolean {
    return false;
  }

  @Option({ flags: '--interval <seconds>', description: 'seconds between progress polls', defaultValue: 1 })
  parseInterval(value: string): string {
    return value;
  }

  @Option({ flags: '--timeout <seconds>', description: 'stop following after this long (0: never); the rebuild goes on', defaultValue: 0 })
  parseTimeout(value: string): string {
    return value;
  }
}
