/** How many answers a capability keeps for its fallbacks; the least recently stored go first. */
export const DEFAULT_LAST_GOOD_ENTRIES = 1000;

/**
 * The last good answer per key (tenant and request), the "last good copy"
 * the contracts promise when a dependency is down. Bounded: a Map in
 * insertion order, the oldest entry dropped past the limit.
 */
export class LastGoodCache {
  private readonly entries = new Map<
    string,
    { body: Record<string, unknown>; storedAt: Date }
  >();

  constructor(
    private readonly maxEntries: number = DEFAULT_LAST_GOOD_ENTRIES,
  ) {}

  remember(key: string, body: Record<string, unknown>): void {
    this.entries.delete(key);
    this.entries.set(key, {
      body: structuredClone(body),
      storedAt: new Date(),
    });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  recall(
    key: string,
  ): { body: Record<string, unknown>; storedAt: Date } | undefined {
    const entry = this.entries.get(key);
    return (
      entry && { body: structuredClone(entry.body), storedAt: entry.storedAt }
    );
  }
}
