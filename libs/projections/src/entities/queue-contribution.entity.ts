import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The `queue_contributions` view: what one interaction adds to one queue's 15-minute interval, kept so that a
 * re-folded interaction can take back its previous contribution. Durations in milliseconds (bigint, as strings).
 */
@Entity({ name: 'queue_contributions', synchronize: false })
export class QueueContributionView {
  @PrimaryColumn('text', { name: 'conversation_id' })
  conversationId!: string;

  @PrimaryColumn('text', { name: 'queue_id' })
  queueId!: string;

  @PrimaryColumn('timestamptz', { name: 'interval_start' })
  intervalStart!: Date;

  @Column('integer', { name: 'n_offered' })
  nOffered!: number;

  @Column('integer', { name: 'n_answered' })
  nAnswered!: number;

  @Column('integer', { name: 'n_abandoned' })
  nAbandoned!: number;

  @Column('integer', { name: 'n_flow_out' })
  nFlowOut!: number;

  @Column('bigint', { name: 't_acd_sum' })
  tAcdSum!: string;

  @Column('bigint', { name: 't_acd_max' })
  tAcdMax!: string;

  @Column('bigint', { name: 't_answered_sum' })
  tAnsweredSum!: string;

  @Column('bigint', { name: 't_talk_sum' })
  tTalkSum!: string;

  @Column('bigint', { name: 't_held_sum' })
  tHeldSum!: string;

  @Column('bigint', { name: 't_acw_sum' })
  tAcwSum!: string;

  @Column('bigint', { name: 't_handle_sum' })
  tHandleSum!: string;

  @Column('integer', { name: 'n_answered_within_sl' })
  nAnsweredWithinSl!: number;
}
