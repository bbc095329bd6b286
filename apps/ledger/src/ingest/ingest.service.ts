import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  INGEST_ERROR_CODES,
  compileTopicPatterns,
  parseIngestRequest,
  type CanonicalEvent,
  type IngestRejection,
  type IngestSource,
} from '@ledger/domain';
import { EVENT_STORE, GroupCommitAppender, type AppendRequest, type EventStore } from '@ledger/event-store';
import { ApiError } from '../common/api-error';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { IngestMetrics } from './ingest.metrics';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  filtered: number;
  rejected: IngestRejection[];
}

/** Parses Genesys messages and appends them through the group commit; resolves only once they are durable. */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly appender: GroupCommitAppender;
  private readonly isTopicAllowed: (topicName: string, template: string) => boolean;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly metrics: IngestMetrics,
  ) {
    this.appender = new GroupCommitAppender(store, { maxEventsPerCommit: config.ingest.maxEventsPerCommit, maxConcurrentCommits: 2 });
    this.isTopicAllowed = compileTopicPatterns(config.ingest.topics);
  }

  async ingest(raw: string, contentType: string | undefined, source: IngestSource): Promise<IngestResult> {
    const parsed = parseIngestRequest(raw, {
      contentType,
      maxItems: this.config.ingest.maxItems,
      source,
      receivedAt: new Date(),
      isTopicAllowed: this.isTopicAllowed,
    });
    this.metrics.received.inc({ source }, parsed.events.length + parsed.filtered.length + parsed.rejected.length);
    this.metrics.filtered.inc(parsed.filtered.length);
    this.metrics.rejected.inc(parsed.rejected.length);
    if (parsed.events.length === 0 && parsed.filtered.length === 0) {
      throw new ApiError(400, INGEST_ERROR_CODES.nothingValid, `none of the ${parsed.rejected.length} item(s) could be accepted`, {
        rejected: parsed.rejected,
      });
    }

    const outcomes = await this.append(groupByStream(parsed.events.map((item) => item.event)));
    const result: IngestResult = { accepted: 0, duplicates: 0, filtered: parsed.filtered.length, rejected: parsed.rejected };
    for (const outcome of outcomes) {
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

  /** Waits for every append already submitted, so a shutdown never abandons a commit half-acknowledged. */
  drain(): Promise<void> {
    return this.appender.drain();
  }

  private async append(requests: AppendRequest[]) {
    try {
      return await this.appender.submit(requests);
    } catch (error) {
      this.logger.error({ err: error }, 'append failed; nothing from this request was acknowledged');
      throw new ApiError(503, 'INGEST.STORE_UNAVAILABLE', 'the event store could not commit the events; retry later', {}, { 'retry-after': '1' });
    }
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
