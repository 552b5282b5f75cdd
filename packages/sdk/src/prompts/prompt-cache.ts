import { LoupeApiError } from '../client/api-error.js';
import type { Diagnostics } from '../tracing/diagnostics.js';
import type { PromptRef, PromptVersion } from './prompt-version.js';

/** Default freshness of an alias lookup (`@production`, `@latest`): 60 s, as MLflow's and Langfuse's prompt caches. */
export const DEFAULT_PROMPT_CACHE_TTL_MS = 60_000;

/** Options of {@link PromptCache}. */
export interface PromptCacheOptions {
  /** Fetches a version from the server. */
  fetch: (ref: PromptRef) => Promise<PromptVersion>;
  /** Epoch milliseconds (the SDK's scheduler clock, injectable in tests). */
  now: () => number;
  /** How long an alias lookup is served from memory. */
  ttlMs: number;
  diagnostics: Diagnostics;
}

interface Entry {
  prompt: PromptVersion;
  fetchedAt: number;
  /** A stale answer was served for this key since the last good fetch (warn once). */
  warned: boolean;
}

/** A server that did not answer, or answered 5xx: what a stale entry may stand in for. */
function isOutage(err: unknown): boolean {
  if (err instanceof LoupeApiError) return err.status >= 500;
  return err instanceof Error && (err.name === 'TypeError' || err.name === 'AbortError' || err.name === 'TimeoutError');
}

const keyOf = (ref: PromptRef) => ('version' in ref ? `${ref.name}/${ref.version}` : `${ref.name}@${ref.alias.toLowerCase()}`);

/**
 * The loadPrompt cache. Versions are immutable, so a pinned version (`prompts:/qa/3`) is kept for
 * good; an alias (`@production`, `@latest`) is served for `ttlMs`, then asked again. When the
 * server is unreachable or answers 5xx, the last good version is served however old (and asked
 * again after another TTL), with one warning per key until the server answers again; without one,
 * the error is thrown. Concurrent
 * misses for one key share one request.
 *
 * @example
 * const cache = new PromptCache({ fetch: (ref) => client.getPromptVersion(ref), now: Date.now, ttlMs: 60_000, diagnostics });
 * const prompt = await cache.get(parsePromptUri('prompts:/qa@production'));
 */
export class PromptCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<PromptVersion>>();

  constructor(private readonly options: PromptCacheOptions) {}

  /** The version `ref` points at, from memory when fresh; `ttlMs` overrides the cache's TTL for this lookup. */
  get(ref: PromptRef, ttlMs: number = this.options.ttlMs): Promise<PromptVersion> | PromptVersion {
    const key = keyOf(ref);
    const entry = this.entries.get(key);
    if (entry && ('version' in ref || this.options.now() - entry.fetchedAt < ttlMs)) return entry.prompt;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.refresh(key, ref).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Forgets every cached version of a prompt (after you change its aliases, say). */
  invalidate(name: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${name}/`) || key.startsWith(`${name}@`)) this.entries.delete(key);
  }

  /** Number of cached entries. */
  get size(): number {
    return this.entries.size;
  }

  private async refresh(key: string, ref: PromptRef): Promise<PromptVersion> {
    try {
      const prompt = await this.options.fetch(ref);
      const now = this.options.now();
      this.entries.set(key, { prompt, fetchedAt: now, warned: false });
      // The alias answered a version: that version is now known too, and never changes.
      if (!('version' in ref)) this.entries.set(`${prompt.name}/${prompt.version}`, { prompt, fetchedAt: now, warned: false });
      return prompt;
    } catch (err) {
      const stale = this.entries.get(key);
      if (!stale || !isOutage(err)) throw err;
      // Serve it for another TTL before asking again, so a dead server costs one timeout per TTL, not one per call.
      stale.fetchedAt = this.options.now();
      if (!stale.warned) {
        stale.warned = true;
        this.options.diagnostics.warn(`loadPrompt: the server did not answer for ${key}; serving the cached ${stale.prompt.uri}`, err);
      }
      return stale.prompt;
    }
  }
}
