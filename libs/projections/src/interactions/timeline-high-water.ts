/**
 * The highest position the timeline holds or a batch of this run has planned or applied. A batch wholly past it, in
 * strictly rising positions, has no timeline row yet (one projector writes the table while it holds the single-writer
 * lock), so its rows go in without a conflict check (PlanOptions.timelineIsNew); asked again (a retry), the same batch
 * is no longer past it.
 */
export class TimelineHighWater {
  constructor(private position: bigint | null) {}

  /** Whether `positions` are all past the high water and strictly rising; the high water moves past them either way. */
  pass(positions: Iterable<bigint>): boolean {
    let previous = this.position;
    let rising = true;
    for (const position of positions) {
      if (previous !== null && position <= previous) rising = false;
      else previous = position;
    }
    this.position = previous;
    return rising;
  }
}
