import { Command, Option } from 'nest-commander';
import { CliError, runCommand, usageError } from '../common/cli-error';
import { ledgerClientFrom } from '../common/connection-options';
import { LedgerHttpCommand } from '../common/ledger-http-command';
import { describeApiError } from '../common/ledger-client';

/** Same rule as the API: an ISO 8601 date-time with a zone, so "10:42" is never guessed to be local or UTC. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function checkInstant(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!ISO_WITH_ZONE.test(text) || Number.isNaN(Date.parse(text))) {
    throw usageError(`${option} must be an ISO 8601 timestamp with a time zone, e.g. 2025-04-10T10:42:00Z; got "${text}"`);
  }
  return text;
}

@Command({
  name: 'replay',
  arguments: '<conversationId>',
  description: 'Replay one interaction from the event store to a past instant and print the state as JSON',
  argsDescription: { conversationId: 'Genesys conversation id' },
})
export class ReplayCommand extends LedgerHttpCommand {
  run(params: string[], raw: Record<string, unknown> = {}): Promise<void> {
    return runCommand('replay', async () => {
      const conversationId = (params[0] ?? '').trim();
      if (conversationId === '' || /[/?#\s]/.test(conversationId)) throw usageError(`"${conversationId}" is not a conversation id`);
      const at = checkInstant('--at', raw['at']);
      const knownAt = checkInstant('--known-at', raw['knownAt']);
      const client = ledgerClientFrom(raw);
      const query = new URLSearchParams();
      if (at) query.set('at', at);
      if (knownAt) query.set('knownAt', knownAt);
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      const response = await client.get(`/v1/interactions/${encodeURIComponent(conversationId)}/state${suffix}`);
      if (response.status === 404) throw new CliError(`no interaction ${conversationId}: the event store holds no events for it`);
      if (response.status === 400) throw usageError(describeApiError(response));
      if (response.status !== 200) throw new CliError(`the ledger answered ${describeApiError(response)}`);
      process.stdout.write(`${JSON.stringify(response.body, null, 2)}\n`);
    });
  }

  @Option({ flags: '--at <instant>', description: 'business time: events that happened at or before it (default: now)' })
  parseAt(value: string): string {
    return value;
  }

  @Option({ flags: '--known-at <instant>', description: 'knowledge time: only events received by then (default: now)' })
  parseKnownAt(value: string): string {
    return value;
  }
}
