import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The `interaction_events` view: every event of every conversation, the timeline and the point-in-time fast path. */
@Entity({ name: 'interaction_events', synchronize: false })
export class InteractionEventView {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'conversation_id' })
  conversationId!: string;

  /** Topic template, e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  @Column('text', { name: 'event_type' })
  eventType!: string;

  /** Business time; null when the payload carried none. */
  @Column('timestamptz', { name: 'event_time', nullable: true })
  eventTime!: Date | null;

  /** Knowledge time: when the ledger first received the event. */
  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  /** `$all` position in the event store (bigint, as a string). */
  @Column('bigint')
  position!: string;

  /** The Genesys eventBody, verbatim. */
  @Column('json')
  data!: Record<string, unknown>;

  @Column('json')
  metadata!: Record<string, unknown>;
}
