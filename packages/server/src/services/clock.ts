import { randomUUID } from 'node:crypto';

/** Time source, injected so tests are deterministic. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Id source, injected so tests are deterministic. */
export interface IdGenerator {
  /** 32 lowercase hex characters (a uuid4 without dashes). */
  hex32(): string;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Random ids. */
export const randomIds: IdGenerator = { hex32: () => randomUUID().replace(/-/g, '') };
