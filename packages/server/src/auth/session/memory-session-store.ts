import type { SessionRecord, SessionStore } from './session-store.js';

/**
 * Sessions in this process's memory: for tests, and for a single server that may forget its
 * sessions on restart.
 *
 * @example
 * const sessions = new BrowserSessions({ store: new MemorySessionStore(), clock, secure: false });
 */
export class MemorySessionStore implements SessionStore {
  private readonly records = new Map<string, SessionRecord>();

  /** How many sessions are stored (for tests). */
  get size(): number {
    return this.records.size;
  }

  async create(record: SessionRecord): Promise<void> {
    if (this.records.has(record.idHash)) throw new Error('A session with this id already exists');
    this.records.set(record.idHash, { ...record });
  }

  async find(idHash: string): Promise<SessionRecord | undefined> {
    const record = this.records.get(idHash);
    return record && { ...record };
  }

  async touch(idHash: string, lastSeenAt: number): Promise<void> {
    const record = this.records.get(idHash);
    if (record) record.lastSeenAt = lastSeenAt;
  }

  async delete(idHash: string): Promise<void> {
    this.records.delete(idHash);
  }

  async deleteForUser(username: string): Promise<number> {
    return this.deleteWhere((r) => r.username === username);
  }

  async deleteExpired(now: number, lastSeenBefore: number): Promise<number> {
    return this.deleteWhere((r) => r.expiresAt <= now || r.lastSeenAt < lastSeenBefore);
  }

  private deleteWhere(test: (record: SessionRecord) => boolean): number {
    let count = 0;
    for (const [key, record] of this.records) if (test(record) && this.records.delete(key)) count++;
    return count;
  }
}
