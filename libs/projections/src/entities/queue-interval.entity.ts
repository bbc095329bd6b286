import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The `queue_intervals` view: per queue per 15-minute UTC interval, the sums of every interaction's contribution.
 * Counts are integers; durations are milliseconds (bigint, as strings).
 */
@Entity({ name: 'queue_intervals', synchronize: false })
export class QueueIntervalView {
  @PrimaryColumn('text', { name: 'queue_id' })
  queueId!: string;

  /** Aligned on 15 minutes UTC. */
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
