import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { GapRecorder } from '@ledger/genesys';
import { DataSource } from 'typeorm';

export interface ConnectorGapRow {
  id: string;
  channelIndex: number;
  channelId: string | null;
  reason: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
}

export interface GapTotals {
  total: number;
  open: number;
  /** Sum of the closed gaps. */
  closedDurationMs: number;
}

interface RawGap {
  id: string;
  channel_index: number;
  channel_id: string | null;
  reason: string;
  started_at: Date;
  ended_at: Date | null;
}

/** Writes and reads `connector_gaps`. */
@Injectable()
export class ConnectorGapStore implements GapRecorder {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async opened(gap: { channelIndex: number; channelId: string | null; reason: string; startedAt: Date }): Promise<string> {
    const rows = (await this.dataSource.query(
      'INSERT INTO connector_gaps (channel_index, channel_id, reason, started_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [gap.channelIndex, gap.channelId, gap.reason.slice(0, 500), gap.startedAt],
    )) as { id: string }[];
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('INSERT INTO connector_gaps returned no id');
    return String(id);
  }

  async closed(id: string, endedAt: Date): Promise<void> {
    await this.dataSource.query('UPDATE connector_gaps SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [id, endedAt]);
  }

  /** A stopped connector captures nothing: the stop opens a gap that the next start closes. */
  async connectorStopped(at: Date): Promise<void> {
    await this.opened({ channelIndex: -1, channelId: null, reason: 'connector stopped', startedAt: at });
  }

  /** Gaps a previous run left open (stopped, or crashed mid-gap) end when this run starts. */
  async closeLeftOpen(at: Date): Promise<number> {
    const rows = (await this.dataSource.query(
      'WITH closed AS (UPDATE connector_gaps SET ended_at = greatest($1, started_at) WHERE ended_at IS NULL RETURNING id) SELECT count(*)::int AS n FROM closed',
      [at],
    )) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  async latest(limit: number): Promise<ConnectorGapRow[]> {
    const rows = (await this.dataSource.query(
      'SELECT id, channel_index, channel_id, reason, started_at, ended_at FROM connector_gaps ORDER BY started_at DESC, id DESC LIMIT $1',
      [limit],
    )) as RawGap[];
    return rows.map((row) => ({
      id: String(row.id),
      channelIndex: row.channel_index,
      channelId: row.channel_id,
      reason: row.reason,
      startedAt: row.started_at.toISOString(),
      endedAt: row.ended_at?.toISOString() ?? null,
      durationMs: row.ended_at ? row.ended_at.getTime() - row.started_at.getTime() : null,
    }));
  }

  async totals(): Promise<GapTotals> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE ended_at IS NULL))::int AS open,
              coalesce(sum(extract(epoch FROM ended_at - started_at) * 1000), 0)::float8 AS closed_ms
       FROM connector_gaps`,
    )) as { total: number; open: number; closed_ms: number }[];
    const row = rows[0];
    return { total: row?.total ?? 0, open: row?.open ?? 0, closedDurationMs: Math.round(row?.closed_ms ?? 0) };
  }
}
