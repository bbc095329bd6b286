import { EsdbTestServer } from './esdb-test-server';

/**
 * `npm run esdb:test-server -- --port 2113 [--host 127.0.0.1] [--no-batch-append]`: the test server on its own, so
 * the whole service can run against it (`EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false npm start`). Data is in
 * memory and gone when it stops.
 */
function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(argument('port') ?? '2113');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got ${argument('port')}`);
  const server = await EsdbTestServer.start({
    port,
    host: argument('host') ?? '127.0.0.1',
    advertiseBatchAppend: !process.argv.includes('--no-batch-append'),
  });
  process.stdout.write(`listening on ${server.port}\n`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`esdb test server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
