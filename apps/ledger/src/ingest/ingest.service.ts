import { setImmediate } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  INGEST_ERROR_CODES,
  compileTopicPatterns,
  IngestRequestParser,
  type CanonicalEvent,
  type IngestRejection,
  type IngestSource,
  type ParsedIngestRequest,
} from '@ledger/domain';
import { EVENT_STORE, type AppendOutcome, type AppendRequest, type EventStore } from '@ledger/event-store';
import { ApiError } from '../common/api-error';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { IngestGate, type BodyAdmission } from './ingest-gate';
import { IngestMetrics } from './ingest.metrics';
import { PriorityGroupCommit, type CommitLane } from './priority-group-commit';
import { isUrgentEvent } from './urgent-events';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  filtered: number;
  rejected: IngestRejection[];
}

/** Items normalised between two turns of the event loop (about half a millisecond of work). */
const NORMALISE_SLICE = 20;

/**
 * Parses Genesys messages and appends them through the group commit; resolves only once they are durable. The same
 * pipeline serves the webhook (raw bodies) and the Notifications API connector (messages already parsed).
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly appender: PriorityGroupCommit;
  private readonly isTopicAllowed: (topicName: string, template: string) => boolean;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly metrics: IngestMetrics,
    private readonly gate: IngestGate,
  ) {
    this.appender = new PriorityGroupCommit(store, { maxEventsPerCommit: config.ingest.maxEventsPerCommit, maxConcurrentCommits: 2 });
    this.isTopicAllowed = compileTopicPatterns(config.ingest.topics);
  }

  /** An HTTP body: one message, an array of them, or NDJSON. A body with nothing usable in it is a 400. */
  async ingest(raw: string, contentType: string | undefined, source: IngestSource, admission?: BodyAdmission): Promise<IngestResult> {
    const parsed = await this.normalise(
      IngestRequestParser.fromBody(raw, {
        contentType,
        maxItems: this.config.ingest.maxItems,
        source,
        receivedAt: new Date(),
        isTopicAllowed: this.isTopicAllowed,
      }),
    );
    this.count(parsed, source);
    if (parsed.events.length === 0 && parsed.filtered.length === 0) {
      throw new ApiError(400, INGEST_ERROR_CODES.nothingValid, `none of the ${parsed.rejected.length} item(s) could be accepted`, {
        rejected: parsed.rejected,
      });
    }
    return this.appendParsed(parsed, admission);
  }

  /** Messages already parsed (the WebSocket consumer): normalised and appended exactly as the webhook's are. */
  async ingestMessages(messages: readonly unknown[], source: IngestSource): Promise<IngestResult> {
    const parsed = await this.normalise(IngestRequestParser.fromMessages(messages, { source, receivedAt: new Date(), isTopicAllowed: this.isTopicAllowed }));
    this.count(parsed, source);
    return this.appendParsed(parsed);
  }

  /**
   * A slice at a time, giving way between slices: the replies of commits in flight are read, and their requests
   * answered, between slices rather than after a whole 100-item body, and concurrent bodies share the event loop.
   */
  private async normalise(request: IngestRequestParser): Promise<ParsedIngestRequest> {
    while (request.normaliseNext(NORMALISE_SLICE)) await setImmediate();
    return request.parsed;
  }

  /** Waits for every append already submitted, so a shutdown never abandons a commit half-acknowledged. */
  drain(): Promise<void> {
    return this.appender.drain();
  }

  private count(parsed: ParsedIngestRequest, source: IngestSource): void {
    this.metrics.received.inc({ source }, parsed.events.length + parsed.filtered.length + parsed.rejected.length);
    this.metrics.filtered.inc(parsed.filtered.length);
    this.metrics.rejected.inc(parsed.rejected.length);
  }

  private async appendParsed(parsed: ParsedIngestRequest, admission?: BodyAdmission): Promise<IngestResult> {
    const urgent: CanonicalEvent[] = [];
    const normal: CanonicalEvent[] = [];
    for (const { event } of parsed.events) (isUrgentEvent(event) ? urgent : normal).push(event);
    const events = parsed.events.length;
    const items = events + parsed.filtered.length + parsed.rejected.length;
    this.gate.acquire(events, admission && { admission, items });
    let settled: PromiseSettledResult<AppendOutcome[]>[];
    try {
      settled = await Promise.allSettled([this.submit(urgent, 'urgent'), this.submit(normal, 'normal')]);
    } finally {
      this.gate.release(events);
    }
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      this.logger.error({ err: failure.reason }, 'append failed; nothing from this request was acknowledged');
      throw new ApiError(503, 'INGEST.STORE_UNAVAILABLE', 'the event store could not commit the events; retry later', {}, { 'retry-after': '1' });
    }
    const result: IngestResult = { accepted: 0, duplicates: 0, filtered: parsed.filtered.length, rejected: parsed.rejected };
    for (const outcome of settled.flatMap((item) => (item.status === 'fulfilled' ? item.value : []))) {
      // Ingest appends with expected revision `any`, so an outcome can only be a success.
      if (outcome.ok) {
        result.accepted += outcome.appended;
        result.duplicates += outcome.duplicates;
      }
    }
    this.metrics.appended.inc(result.accepted);
    this.metrics.duplicates.inc(result.duplicates);
    return result;
  }

  private submit(events: CanonicalEvent[], lane: CommitLane): Promise<AppendOutcome[]> {
    return this.appender.submit(groupByStream(events), lane);
  }
}

function groupByStream(events: CanonicalEvent[]): AppendRequest[] {
  const byStream = new Map<string, AppendRequest>();
  for (const event of events) {
    let request = byStream.get(event.streamId);
    if (!request) {
      request = { streamId: event.streamId, events: [], expectedRevision: 'any' };
      byStream.set(event.streamId, request);
    }
    request.events.push({ eventId: event.eventId, eventType: event.eventType, data: event.data, metadata: event.metadata });
  }
  return [...byStream.values()];
}
