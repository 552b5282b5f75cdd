import type { Clock } from './clock.js';

/** Whether the server should be sent traffic, and why not. */
export type ReadinessState = { ready: true } | { ready: false; reason: 'draining' | 'database' };

/** What `GET /ready` asks (docs/deploy.md "Health and readiness"). */
export interface ReadinessProbe {
  check(): Promise<ReadinessState>;
}

/** How the database is asked, and for how long. */
export interface ReadinessOptions {
  /** One cheap round trip to the database (`select 1`); rejects when it does not answer. */
  ping: () => Promise<unknown>;
  clock: Clock;
  /** A ping slower than this counts as no answer. */
  timeoutMs: number;
}

/**
 * Readiness for orchestrators and load balancers: ready while the database answers and the server is
 * not stopping. {@link drain} flips it for good at the start of a graceful stop, before the server
 * stops taking requests, so a balancer polling `/ready` moves traffic away first. Probes that
 * arrive while a ping is under way share it, so frequent probes add one query at a time.
 *
 * @example
 * const readiness = new Readiness({ ping: () => sql`select 1`.execute(db), clock, timeoutMs: 2000 });
 * (await readiness.check()).ready; // true
 * readiness.drain();
 * await readiness.check(); // { ready: false, reason: 'draining' }
 */
export class Readiness implements ReadinessProbe {
  private stopping = false;
  private pinging: Promise<boolean> | undefined;

  constructor(private readonly options: ReadinessOptions) {}

  /** The server is stopping: not ready from now on. */
  drain(): void {
    this.stopping = true;
  }

  /** Whether {@link drain} was called. */
  get draining(): boolean {
    return this.stopping;
  }

  async check(): Promise<ReadinessState> {
    if (this.stopping) return { ready: false, reason: 'draining' };
    this.pinging ??= this.ping().finally(() => (this.pinging = undefined));
    const answered = await this.pinging;
    if (this.stopping) return { ready: false, reason: 'draining' };
    return answered ? { ready: true } : { ready: false, reason: 'database' };
  }

  /** True when the database answered within the timeout. */
  private ping(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.options.clock.setTimeout(() => resolve(false), this.options.timeoutMs);
      this.options.ping().then(
        () => {
          timer.cancel();
          resolve(true);
        },
        () => {
          timer.cancel();
          resolve(false);
        },
      );
    });
  }
}
