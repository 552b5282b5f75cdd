import type { Clock } from '../clock.js';

/** A cache that {@link AuthFreshness} empties when users or permissions change. */
export interface ClearableCache {
  clear(): void;
}

/**
 * Keeps the auth caches no staler than the database allows (docs/adr/0013-auth.md §5): a write on this
 * server clears them at once (`changed`); a write on another server is seen through the
 * `auth_generation` row, read at most once per `ttlMs` (`ensureFresh`, before each request is
 * authenticated). `epoch` advances with every clear, so a load that started before a clear does not
 * put its stale rows back (`isCurrent`).
 *
 * @example
 * const freshness = new AuthFreshness(() => store.generation(), clock, 1000);
 * await freshness.ensureFresh();
 */
export class AuthFreshness {
  private readonly caches: ClearableCache[] = [];
  private known: number | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | undefined;
  private currentEpoch = 0;

  constructor(
    private readonly readGeneration: () => Promise<number>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** Registers a cache to clear. */
  track(cache: ClearableCache): void {
    this.caches.push(cache);
  }

  /** The number of clears so far; a load compares it before and after. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** Whether nothing was cleared since `epoch` was read. */
  isCurrent(epoch: number): boolean {
    return epoch === this.currentEpoch;
  }

  /** Users or permissions changed on this server: clear now. */
  changed(): void {
    this.clear();
    // The generation this server wrote is not news when it is next read: only other servers' are.
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /** Reads the generation when the last read is older than `ttlMs`, and clears on a change. */
  ensureFresh(): Promise<void> {
    if (this.clock.monotonic() - this.checkedAt < this.ttlMs) return Promise.resolve();
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<void> {
    const startedAt = this.clock.monotonic();
    const generation = await this.readGeneration();
    if (this.known !== undefined && generation !== this.known) this.clear();
    this.known = generation;
    this.checkedAt = startedAt;
  }

  private clear(): void {
    this.currentEpoch++;
    for (const cache of this.caches) cache.clear();
  }
}
