import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server, ServerCredentials, status, type sendUnaryData } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { MemoryLog } from './memory-log';
import { rpcError } from './proto';
import { appendHandler, batchAppendHandler } from './streams-append';
import { readHandler } from './streams-read';

export interface EsdbTestServerOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /** Whether ServerFeatures lists Streams.BatchAppend, so the client appends through it (default true, as 21.10+). */
  advertiseBatchAppend?: boolean;
}

const STREAMS_SERVICE = 'event_store.client.streams.Streams';
const SERVER_VERSION = '24.10.0-ledger-test-server';

/**
 * The project's own EventStoreDB: an in-process gRPC server on the service definitions `@eventstore/db-client`
 * ships, implementing the subset the ledger's adapter uses, so the real client is exercised over real gRPC.
 * Insecure (no TLS): connect with `esdb://127.0.0.1:<port>?tls=false`.
 */
export class EsdbTestServer {
  readonly log = new MemoryLog();
  /** Calls received per Streams method, so tests can tell which path the client took. */
  readonly calls = { read: 0, append: 0, batchAppendStreams: 0 };
  advertiseBatchAppend: boolean;
  private server: Server | null = null;
  private lifetime = new AbortController();
  private boundPort = 0;

  private constructor(private readonly options: EsdbTestServerOptions) {
    this.advertiseBatchAppend = options.advertiseBatchAppend ?? true;
  }

  static async start(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
    const server = new EsdbTestServer(options);
    await server.listen(options.port ?? 0);
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get connectionString(): string {
    return `esdb://${this.host}:${this.boundPort}?tls=false`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Drops every connection at once, as a crashed or killed server would. The data stays for `restart()`. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.lifetime.abort();
    server.forceShutdown();
  }

  /** Comes back on the same port with the same data, having lost its in-memory idempotency cache. */
  async restart(): Promise<void> {
    await this.stop();
    this.log.forgetIdempotencyCache();
    await this.listen(this.boundPort);
  }

  private async listen(port: number): Promise<void> {
    this.lifetime = new AbortController();
    // Every waiting read listens for the server stopping.
    setMaxListeners(0, this.lifetime.signal);
    const server = new Server();
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: sendUnaryData<SupportedMethods>) => callback(null, this.supportedMethods()),
    });
    const lifetime = this.lifetime.signal;
    const read = readHandler(this.log, lifetime);
    const append = appendHandler(this.log);
    const batchAppend = batchAppendHandler(this.log);
    server.addService(StreamsService, {
      read: (call: Parameters<typeof read>[0]) => {
        this.calls.read++;
        read(call);
      },
      append: (call: Parameters<typeof append>[0], callback: Parameters<typeof append>[1]) => {
        this.calls.append++;
        append(call, callback);
      },
      batchAppend: (call: Parameters<typeof batchAppend>[0]) => {
        this.calls.batchAppendStreams++;
        batchAppend(call);
      },
      delete: (_call: unknown, callback: sendUnaryData<never>) => callback(rpcError(status.UNIMPLEMENTED, 'Streams.Delete: the adapter never deletes')),
      tombstone: (_call: unknown, callback: sendUnaryData<never>) => callback(rpcError(status.UNIMPLEMENTED, 'Streams.Tombstone: the adapter never deletes')),
    });
    // A port freed by a stop a moment ago may take a few ticks to be bindable again.
    for (let attempt = 1; ; attempt++) {
      try {
        this.boundPort = await new Promise<number>((resolve, reject) =>
          server.bindAsync(`${this.host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
        );
        break;
      } catch (error) {
        if (attempt >= 50 || port === 0) throw error;
        await sleep(100);
      }
    }
    this.server = server;
  }

  private supportedMethods(): SupportedMethods {
    const methods = ['Read', 'Append', ...(this.advertiseBatchAppend ? ['BatchAppend'] : [])].map((name) =>
      new SupportedMethod().setServiceName(STREAMS_SERVICE).setMethodName(name.toLowerCase()),
    );
    methods.push(new SupportedMethod().setServiceName('event_store.client.server_features.ServerFeatures').setMethodName('getsupportedmethods'));
    return new SupportedMethods().setEventStoreServerVersion(SERVER_VERSION).setMethodsList(methods);
  }
}
