import type { CanonicalEvent } from './canonical-event';
import { bodyFormatOf, parseBodyItems, type BodyItem } from './ingest-body';
import { INGEST_ERROR_CODES, type IngestErrorCode } from './ingest-errors';
import { normaliseMessage, type NormaliseContext } from './normalise-message';
import { jsonTextMayHoldNul } from './nul-character';

export interface IngestRejection {
  index: number;
  code: IngestErrorCode;
  message: string;
}

export interface ParsedIngestRequest {
  /** Events to append, each with the index of the item it came from. */
  events: { index: number; event: CanonicalEvent }[];
  filtered: { index: number; topicName: string; reason: string }[];
  rejected: IngestRejection[];
}

export interface ParseIngestOptions extends NormaliseContext {
  contentType: string | undefined;
  maxItems: number;
}

/** Body text → canonical events, filtered items and rejected items (with their index in the body). */
export function parseIngestRequest(raw: string, options: ParseIngestOptions): ParsedIngestRequest {
  const request = IngestRequestParser.fromBody(raw, options);
  while (request.normaliseNext(Infinity));
  return request.parsed;
}

/**
 * `parseIngestRequest` a slice at a time: the items are known up front (a body split, or messages already parsed),
 * then `normaliseNext(n)` normalises up to n more. Lets a caller on a busy event loop give way between slices.
 */
export class IngestRequestParser {
  readonly parsed: ParsedIngestRequest = { events: [], filtered: [], rejected: [] };
  private next = 0;

  private constructor(
    private readonly items: readonly BodyItem[],
    private readonly context: NormaliseContext,
  ) {}

  /** A request body; refused whole (IngestBodyError) when it is not JSON or NDJSON at all. */
  static fromBody(raw: string, options: ParseIngestOptions): IngestRequestParser {
    return new IngestRequestParser(parseBodyItems(raw, bodyFormatOf(options.contentType), options.maxItems), {
      ...options,
      mayHoldNul: jsonTextMayHoldNul(raw),
    });
  }

  /** Messages already parsed (the Notifications API WebSocket). */
  static fromMessages(messages: readonly unknown[], context: NormaliseContext): IngestRequestParser {
    return new IngestRequestParser(messages.map((value) => ({ ok: true, value })), context);
  }

  /** Normalises up to `count` more items; false once every item is done. */
  normaliseNext(count: number): boolean {
    const end = Math.min(this.items.length, this.next + count);
    for (; this.next < end; this.next++) this.normalise(this.items[this.next] as BodyItem, this.next);
    return this.next < this.items.length;
  }

  private normalise(item: BodyItem, index: number): void {
    if (!item.ok) {
      this.parsed.rejected.push({ index, code: INGEST_ERROR_CODES.malformedLine, message: item.message });
      return;
    }
    const result = normaliseMessage(item.value, this.context);
    if (result.outcome === 'event') this.parsed.events.push({ index, event: result.event });
    else if (result.outcome === 'filtered') this.parsed.filtered.push({ index, topicName: result.topicName, reason: result.reason });
    else this.parsed.rejected.push({ index, code: result.code, message: result.message });
  }
}
