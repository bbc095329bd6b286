/**
 * Upcasters turn an event body written by an older (or differently shaped) Genesys topic version into the shape the
 * fold expects. They run before `evolve`, in projections and in replay alike; stored events are never rewritten.
 */
export interface UpcastInput {
  eventType: string;
  /** The topic version from the event metadata (`"2"` for today's detail events); null when unknown. */
  topicVersion: string | null;
  data: Record<string, unknown>;
}

export interface Upcaster {
  /** What it does, for logs and docs. */
  name: string;
  /** Exact event type, or a pattern with `*` (any run of characters). */
  eventType: string;
  /** Topic versions it applies to; `*` for every version. */
  versions: readonly string[] | '*';
  /** Pure: returns a new body (or the same one when nothing needs changing). */
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

export class UpcasterRegistry {
  private readonly compiled: { upcaster: Upcaster; matches: RegExp }[];
  private readonly cache = new Map<string, Upcaster[]>();

  constructor(upcasters: readonly Upcaster[]) {
    this.compiled = upcasters.map((upcaster) => ({ upcaster, matches: patternOf(upcaster.eventType) }));
  }

  /** Applies, in registration order, every upcaster registered for the event's type and version. */
  upcast(input: UpcastInput): Record<string, unknown> {
    let data = input.data;
    for (const upcaster of this.upcastersFor(input.eventType, input.topicVersion)) data = upcaster.upcast(data);
    return data;
  }

  private upcastersFor(eventType: string, topicVersion: string | null): Upcaster[] {
    const key = `${eventType}\n${topicVersion ?? ''}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.compiled
        .filter(({ upcaster, matches }) => matches.test(eventType) && (upcaster.versions === '*' || upcaster.versions.includes(topicVersion ?? '')))
        .map(({ upcaster }) => upcaster);
      this.cache.set(key, found);
    }
    return found;
  }
}

function patternOf(eventType: string): RegExp {
  return new RegExp(`^${eventType.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
