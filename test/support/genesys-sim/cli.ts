import { GenesysSimulator, SIM_DEFAULTS } from './genesys-sim';
import { conversationScript } from './sim-script';

/**
 * `npm run genesys:sim -- --port 9100 [--conversations 200] [--rate 200] [--seed 1] [--token-ttl 3600]
 * [--heartbeat-ms 30000] [--client-id sim-client] [--client-secret sim-secret-change-me]`
 * Serves OAuth, channels and sockets on one origin; once a socket connects, streams the scripted conversations
 * (subscribe to `v2.detail.events.conversation.{id}.<kind>`). Point the ledger at it with
 * GENESYS_LOGIN_BASE=GENESYS_API_BASE=http://127.0.0.1:<port>.
 */
function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = argument(name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const sim = await GenesysSimulator.start({
    port: integer('port', 9100, 0, 65535),
    host: argument('host') ?? '127.0.0.1',
    clientId: argument('client-id') ?? SIM_DEFAULTS.clientId,
    clientSecret: argument('client-secret') ?? SIM_DEFAULTS.clientSecret,
    tokenTtlSeconds: integer('token-ttl', 3600, 1, 86_399),
    heartbeatIntervalMs: integer('heartbeat-ms', 30_000, 0, 600_000),
  });
  process.stdout.write(`listening on ${sim.port}\n`);
  const script = conversationScript({ seed: integer('seed', 1, 0, 2 ** 31), conversations: integer('conversations', 200, 0, 1_000_000) });
  process.stdout.write(`topics: ${script.topics.join(',')}\n`);
  const rate = integer('rate', 200, 1, 1_000_000);
  const waitForSocket = setInterval(() => {
    if (sim.connectedChannels().length === 0) return;
    clearInterval(waitForSocket);
    process.stdout.write(`streaming ${script.messages.length} messages of ${script.conversations.length} conversations at ${rate}/s\n`);
    void sim.stream(script.messages, { ratePerSecond: rate }).then((report) => {
      process.stdout.write(`streamed: ${report.delivered.length} delivered, ${report.missed.length} missed (no socket), ${report.unrouted.length} unsubscribed\n`);
    });
  }, 200);
  const stop = (): void => {
    clearInterval(waitForSocket);
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`genesys simulator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
