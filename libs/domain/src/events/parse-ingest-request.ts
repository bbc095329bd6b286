import type { CanonicalEvent } from './canonical-event';
import { bodyFormatOf, parseBodyItems } from './ingest-body';
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
  const format = bodyFormatOf(options.contentType);
  const items = parseBodyItems(raw, format, options.maxItems);
  const parsed: ParsedIngestRequest = { events: [], filtered: [], rejected: [] };
  const context: NormaliseContext = { ...options, mayHoldNul: jsonTextMayHoldNul(raw) };
  items.forEach((item, index) => {
    if (!item.ok) {
      parsed.rejected.push({ index, code: INGEST_ERROR_CODES.malformedLine, message: item.message });
      return;
    }
    const result = normaliseMessage(item.value, context);
    if (result.outcome === 'event') parsed.events.push({ index, event: result.event });
    else if (result.outcome === 'filtered') parsed.filtered.push({ index, topicName: result.topicName, reason: result.reason });
    else parsed.rejected.push({ index, code: result.code, message: result.message });
  });
  return parsed;
}
