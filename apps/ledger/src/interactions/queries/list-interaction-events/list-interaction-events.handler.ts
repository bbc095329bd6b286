import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { cursorTimeSql, encodeCursor } from '../../shared/keyset-cursor';
import { EVENTS_CURSOR_KIND, type EventKey } from './list-interaction-events.params';
import { ListInteractionEventsQuery, type TimelinePage } from './list-interaction-events.query';

interface EventRow {
  event_id: string;
  event_type: string;
  event_time: Date | null;
  time_key: string | null;
  received_at: Date;
  position: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** Keyset condition "after `key`" for the order (event_time ASC NULLS FIRST, event_id ASC). */
function after(key: EventKey, bind: (value: unknown) => string): string {
  const id = `${bind(key.eventId)}::uuid`;
  if (key.eventTime === null) return `((event_time IS NULL AND event_id > ${id}) OR event_time IS NOT NULL)`;
  const time = `${bind(key.eventTime)}::timestamptz`;
  return `(event_time > ${time} OR (event_time = ${time} AND event_id > ${id}))`;
}

@QueryHandler(ListInteractionEventsQuery)
export class ListInteractionEventsHandler implements IQueryHandler<ListInteractionEventsQuery> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ conversationId, params }: ListInteractionEventsQuery): Promise<TimelinePage | null> {
    const values: unknown[] = [conversationId];
    const bind = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    const keyset = params.after === null ? '' : `AND ${after(params.after, bind)}`;
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT event_id, event_type, event_time, ${cursorTimeSql('event_time')} AS time_key, received_at,
              position::text AS position, data, metadata
         FROM interaction_events
        WHERE conversation_id = $1 ${keyset}
        ORDER BY event_time ASC NULLS FIRST, event_id ASC
        LIMIT ${bind(params.limit + 1)}`,
      values,
    );
    // An empty page is either the end of a known timeline or an unknown interaction: only the latter is a 404.
    if (rows.length === 0 && !(await this.exists(conversationId))) return null;
    const page = rows.slice(0, params.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        eventId: row.event_id,
        eventType: row.event_type,
        eventTime: row.event_time?.toISOString() ?? null,
        receivedAt: row.received_at.toISOString(),
        position: row.position,
        data: row.data,
        metadata: row.metadata,
      })),
      nextCursor: rows.length > params.limit && last ? encodeCursor(EVENTS_CURSOR_KIND, [last.time_key, last.event_id]) : null,
    };
  }

  private async exists(conversationId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM interactions WHERE conversation_id = $1
       UNION ALL SELECT 1 FROM interaction_events WHERE conversation_id = $1 LIMIT 1`,
      [conversationId],
    );
    return rows.length > 0;
  }
}
