import { Column } from 'typeorm';

/** The metric columns shared by `queue_contributions` and `queue_intervals` (durations in ms, bigint as strings). */
export abstract class QueueMetricColumns {
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
