import type { AuditEntry } from './auth-store.js';

/** A stored audit event. */
export interface AuditEvent extends AuditEntry {
  id: string;
}

/** What {@link AuditStore.search} narrows by; `pageToken` continues a previous page. */
export interface AuditQuery {
  maxResults: number;
  pageToken?: string;
  actor?: string;
  action?: string;
  resourceType?: string;
}

/**
 * The audit log (docs/adr/0013-auth.md §8): append-only; read newest first. Events of auth writes are
 * recorded by those writes' own transactions (AuthStore, ApiTokenStore); `record` is for changes
 * made elsewhere, right after they committed.
 */
export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first (time, then insertion order); a malformed page token is an INVALID_PARAMETER_VALUE. */
  search(query: AuditQuery): Promise<{ events: AuditEvent[]; nextPageToken?: string }>;
}
