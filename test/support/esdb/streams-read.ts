import { randomUUID } from 'node:crypto';
import { status, type handleServerStreamingCall, type ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { MemoryLog, StoredEvent } from './memory-log';
import { accessDeniedError, readEvent, rpcError, streamDeletedError, streamIdentifier, streamName } from './proto';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/** EventStoreDB's page size for filtered reads when the client asks for no window (`count`). */
const READ_BATCH_SIZE = 32;
/** Live events a subscriber may lag behind before the server says it fell behind and catches up again. */
const LIVE_BUFFER = 32;

interface EventFilter {
  matches(event: StoredEvent): boolean;
  /** Events considered between two checkpoints. */
  checkpointInterval: number;
}

/**
 * Streams.Read: stream reads, `$all` reads (both directions) and `$all` subscriptions. Stream and forward `$all` reads
 * are inclusive of their start; backward `$all` reads and subscriptions are exclusive. A subscription answers
 * confirmation → catch-up events (filtered: with checkpoints) → caught-up → live events.
 */
export function readHandler(log: MemoryLog, lifetime: AbortSignal): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    const options = call.request.getOptions();
    const run = async (): Promise<void> => {
      if (!options) return fail(call, rpcError(status.INVALID_ARGUMENT, 'a read needs options'));
      const filter = parseFilter(options);
      if (typeof filter === 'string') return fail(call, rpcError(status.INVALID_ARGUMENT, filter));
      const uuidAsString = options.getUuidOption()?.hasString() ?? false;
      const send = (message: ReadResp): Promise<boolean> => sendWithBackpressure(call, message, lifetime);
      const stream = options.getStream();
      if (stream) return readStream(log, call, options, stream, send, uuidAsString);
      const all = options.getAll();
      if (!all) return fail(call, rpcError(status.INVALID_ARGUMENT, 'a read needs a stream or $all'));
      if (log.isDenied('$all')) return fail(call, accessDeniedError());
      if (options.hasSubscription()) return subscribeToAll(log, call, all, filter, send, uuidAsString, lifetime);
      if (log.stallReadsOfAll) {
        await until(call, lifetime, () => undefined);
        if (call.cancelled) log.stalledReadsCancelled += 1;
        return;
      }
      return readAll(log, call, options, all, filter, send, uuidAsString);
    };
    run().catch((error: unknown) => fail(call, rpcError(status.INTERNAL, error instanceof Error ? error.message : String(error))));
  };
}

async function readStream(
  log: MemoryLog,
  call: ReadCall,
  options: ReadReq.Options,
  stream: ReadReq.Options.StreamOptions,
  send: (message: ReadResp) => Promise<boolean>,
  uuidAsString: boolean,
): Promise<void> {
  const name = streamName(stream.getStreamIdentifier());
  if (log.isDenied(name)) return fail(call, accessDeniedError());
  if (log.isTombstoned(name)) return fail(call, streamDeletedError(name));
  if (options.hasSubscription()) return fail(call, rpcError(status.UNIMPLEMENTED, 'stream subscriptions are not part of the test server'));
  const events = log.stream(name) ?? [];
  if (events.length === 0) {
    await send(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name))));
    return void call.end();
  }
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const last = events.length - 1;
  const Case = ReadReq.Options.StreamOptions.RevisionOptionCase;
  let index: number;
  switch (stream.getRevisionOptionCase()) {
    case Case.REVISION:
      index = Math.min(Number(BigInt(stream.getRevision())), backwards ? last : events.length);
      break;
    case Case.END:
      index = backwards ? last : events.length;
      break;
    default:
      index = 0;
  }
  let remaining = countOf(options);
  for (; remaining > 0n && index >= 0 && index < events.length; index += backwards ? -1 : 1, remaining--) {
    if (!(await send(readEvent(events[index] as StoredEvent, uuidAsString)))) return;
  }
  call.end();
}

async function readAll(
  log: MemoryLog,
  call: ReadCall,
  options: ReadReq.Options,
  all: ReadReq.Options.AllOptions,
  filter: EventFilter | null,
  send: (message: ReadResp) => Promise<boolean>,
  uuidAsString: boolean,
): Promise<void> {
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const events = log.all();
  const Case = ReadReq.Options.AllOptions.AllOptionCase;
  let index: number;
  switch (all.getAllOptionCase()) {
    case Case.POSITION: {
      const position = all.getPosition() as ReadReq.Options.Position;
      const at = log.firstIndexAtOrAfter(BigInt(position.getCommitPosition()), BigInt(position.getPreparePosition()));
      // Forwards the position is a pre-position (inclusive); backwards a post-position (exclusive).
      index = backwards ? at - 1 : at;
      break;
    }
    case Case.END:
      index = backwards ? events.length - 1 : events.length;
      break;
    default:
      index = backwards ? -1 : 0;
  }
  let remaining = countOf(options);
  for (; remaining > 0n && index >= 0 && index < events.length; index += backwards ? -1 : 1) {
    const event = events[index] as StoredEvent;
    if (filter && !filter.matches(event)) continue;
    remaining--;
    if (!(await send(readEvent(event, uuidAsString)))) return;
  }
  call.end();
}

async function subscribeToAll(
  log: MemoryLog,
  call: ReadCall,
  all: ReadReq.Options.AllOptions,
  filter: EventFilter | null,
  send: (message: ReadResp) => Promise<boolean>,
  uuidAsString: boolean,
  lifetime: AbortSignal,
): Promise<void> {
  if (!(await send(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()))))) return;
  const Case = ReadReq.Options.AllOptions.AllOptionCase;
  let index: number;
  if (all.getAllOptionCase() === Case.END) index = log.all().length;
  else if (all.getAllOptionCase() === Case.POSITION) {
    const position = all.getPosition() as ReadReq.Options.Position;
    // As the server does: read one event from the position and continue after it — the start is exclusive.
    const at = log.firstIndexAtOrAfter(BigInt(position.getCommitPosition()), BigInt(position.getPreparePosition()));
    index = at < log.all().length ? at + 1 : at;
  } else index = 0;

  let wake: (() => void) | null = null;
  const stopWaiting = log.onAppend(() => wake?.());
  let caughtUp = false;
  let considered = 0;
  try {
    while (!lifetime.aborted && !call.cancelled) {
      const events = log.all();
      if (index < events.length) {
        if (caughtUp && events.length - index > LIVE_BUFFER) {
          caughtUp = false;
          if (!(await send(new ReadResp().setFellBehind(new ReadResp.FellBehind())))) return;
        }
        const event = events[index++] as StoredEvent;
        if (!filter || filter.matches(event)) {
          if (!(await send(readEvent(event, uuidAsString)))) return;
        }
        if (filter && ++considered >= filter.checkpointInterval) {
          considered = 0;
          const checkpoint = new ReadResp.Checkpoint().setCommitPosition(event.position.toString()).setPreparePosition(event.position.toString());
          if (!(await send(new ReadResp().setCheckpoint(checkpoint)))) return;
        }
        continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        if (!(await send(new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
        continue;
      }
      await until(call, lifetime, (resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    stopWaiting();
  }
}

function parseFilter(options: ReadReq.Options): EventFilter | null | string {
  const filter = options.getFilter();
  if (!filter) return null;
  const expression = filter.getStreamIdentifier() ?? filter.getEventType();
  if (!expression) return 'a filter needs a stream identifier or event type expression';
  const onStream = filter.hasStreamIdentifier();
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : null;
  const multiplier = filter.getCheckpointintervalmultiplier();
  if (multiplier <= 0) return 'checkpointIntervalMultiplier must be greater than 0';
  const window = filter.hasMax() ? filter.getMax() : READ_BATCH_SIZE;
  return {
    checkpointInterval: multiplier * window,
    matches(event) {
      const value = onStream ? event.streamId : event.eventType;
      if (prefixes.length > 0) return prefixes.some((prefix) => value.startsWith(prefix));
      return regex ? regex.test(value) : true;
    },
  };
}

function countOf(options: ReadReq.Options): bigint {
  return options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);
}

function fail(call: ReadCall, error: ReturnType<typeof rpcError>): void {
  if (!call.cancelled && !call.writableEnded) call.emit('error', error);
}

/** Writes one message, waiting while the client is slow to read; false once the call is over. */
async function sendWithBackpressure(call: ReadCall, message: ReadResp, lifetime: AbortSignal): Promise<boolean> {
  if (lifetime.aborted || call.cancelled || call.writableEnded) return false;
  if (!call.write(message)) await until(call, lifetime, (resolve) => call.once('drain', resolve));
  return !lifetime.aborted && !call.cancelled;
}

/** Resolves on the awaited event, or when the call is cancelled or the server stops. */
function until(call: ReadCall, lifetime: AbortSignal, register: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('cancelled', done);
      lifetime.removeEventListener('abort', done);
      resolve();
    };
    call.once('cancelled', done);
    lifetime.addEventListener('abort', done, { once: true });
    register(done);
  });
}
