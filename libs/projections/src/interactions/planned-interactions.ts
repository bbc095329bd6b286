import type { StoredInteraction } from './apply-interaction-batch';

interface Entry {
  /** The batch that wrote this entry (or is deciding it). */
  batch: number;
  row: StoredInteraction | 'refold';
}

/**
 * The interaction rows the projector's recent batches wrote, or will write if they commit as planned, so the next
 * batch can be folded before they commit and without reading them back. A batch that does not commit exactly as
 * planned clears it (see InteractionProjector). Entries of committed batches are evicted oldest first beyond
 * `capacity`; entries of batches still in flight never are, since the table does not hold them yet.
 */
export class PlannedInteractions {
  private readonly entries = new Map<string, Entry>();
  private committedUpTo = 0;

  constructor(private readonly capacity: number) {}

  readonly lookup = (conversationId: string): StoredInteraction | 'refold' | undefined => this.entries.get(conversationId)?.row;

  /** Batch `batch` will write `rows`; it re-folds `undecided` after the previous batch commits. */
  planned(batch: number, rows: StoredInteraction[], undecided: Iterable<string>): void {
    for (const row of rows) this.set(row.conversation_id, { batch, row });
    for (const conversationId of undecided) this.set(conversationId, { batch, row: 'refold' });
    this.evict();
  }

  /** Batch `batch` committed `written`: its re-folded rows are known now, unless a later batch has taken them over. */
  committed(batch: number, written: StoredInteraction[]): void {
    for (const row of written) if (this.entries.get(row.conversation_id)?.batch === batch) this.entries.set(row.conversation_id, { batch, row });
    this.committedUpTo = Math.max(this.committedUpTo, batch);
    this.evict();
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private set(conversationId: string, entry: Entry): void {
    this.entries.delete(conversationId); // re-inserted last: Map order is the eviction order
    this.entries.set(conversationId, entry);
  }

  private evict(): void {
    for (const [conversationId, entry] of this.entries) {
      if (this.entries.size <= this.capacity || entry.batch > this.committedUpTo) return;
      this.entries.delete(conversationId);
    }
  }
}
