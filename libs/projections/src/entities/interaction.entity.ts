import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InteractionMetrics, InteractionState } from '@ledger/domain';

/**
 * The `interactions` view (one row per conversation) over the current physical table `interactions__v<N>`.
 * Read-only for the API: the projector writes the physical table; the schema comes from migrations only.
 */
@Entity({ name: 'interactions', synchronize: false })
export class InteractionView {
  @PrimaryColumn('text', { name: 'conversation_id' })
  conversationId!: string;

  /** Newest-first order of the list; fixed when the row is first written, so keyset pages never shift. */
  @Column('timestamptz', { name: 'sort_time' })
  sortTime!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'ended_at', nullable: true })
  endedAt!: Date | null;

  @Column('timestamptz', { name: 'last_event_time', nullable: true })
  lastEventTime!: Date | null;

  /** Analytics spelling, lowercase: `voice`, `chat`... */
  @Column('text', { name: 'media_type', nullable: true })
  mediaType!: string | null;

  /** `inbound` / `outbound`. */
  @Column('text', { nullable: true })
  direction!: string | null;

  @Column('text', { nullable: true })
  phase!: string | null;

  @Column('text', { nullable: true })
  ani!: string | null;

  @Column('text', { nullable: true })
  dnis!: string | null;

  @Column('text', { name: 'queue_ids', array: true })
  queueIds!: string[];

  @Column('text', { name: 'user_ids', array: true })
  userIds!: string[];

  @Column('text', { name: 'wrapup_codes', array: true })
  wrapupCodes!: string[];

  @Column('text', { name: 'external_contact_ids', array: true })
  externalContactIds!: string[];

  @Column('text', { name: 'disconnect_type', nullable: true })
  disconnectType!: string | null;

  @Column('text', { name: 'acd_outcome', nullable: true })
  acdOutcome!: string | null;

  @Column('boolean')
  abandoned!: boolean;

  /** The full fold of the interaction's events. */
  @Column('jsonb')
  state!: InteractionState;

  /** `state.metrics` again: the list reads it without detoasting the whole state. */
  @Column('json', { nullable: true })
  metrics!: InteractionMetrics | null;

  /** Sort key of the last event applied; an event with a smaller key arrived late and triggers a re-fold. */
  @Column('text', { name: 'fold_key' })
  foldKey!: string;

  @Column('integer', { name: 'event_count' })
  eventCount!: number;

  /** `$all` position of the last event applied (bigint, as a string). */
  @Column('bigint')
  position!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
