import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The `interaction_queues` view: one row per queue in an interaction's `queue_ids`, keyed in the list's order, so
 * the list by queue reads only that queue's interactions. Kept by the projector in the transaction of the row.
 */
@Entity({ name: 'interaction_queues', synchronize: false })
export class InteractionQueueView {
  @PrimaryColumn('text', { name: 'queue_id' })
  queueId!: string;

  /** The interaction's own sort_time (fixed when its row is first written). */
  @PrimaryColumn('timestamptz', { name: 'sort_time' })
  sortTime!: Date;

  @PrimaryColumn('text', { name: 'conversation_id' })
  conversationId!: string;

  /** The interaction's list item, kept equal to it by a trigger on the interactions; null if an older release wrote the row. */
  @Column('text', { name: 'list_item', nullable: true })
  listItem!: string | null;
}
