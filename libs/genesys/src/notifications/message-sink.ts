/** Where the consumer hands notification messages: the ledger's ingest pipeline, without HTTP. */
export interface MessageSink {
  /** Resolves once the messages are durable; rejects when they could not be stored (the consumer retries). */
  deliver(messages: readonly Record<string, unknown>[]): Promise<void>;
  /** True while ingest is over its high watermark: the consumer stops reading until `whenAdmitting` resolves. */
  isSaturated(): boolean;
  whenAdmitting(): Promise<void>;
}

/** Where gaps (intervals with no socket connected) are recorded. */
export interface GapRecorder {
  /** Returns an id for `closed`, or null when the gap could not be recorded. */
  opened(gap: { channelIndex: number; channelId: string | null; reason: string; startedAt: Date }): Promise<string | null>;
  closed(id: string, endedAt: Date): Promise<void>;
}
