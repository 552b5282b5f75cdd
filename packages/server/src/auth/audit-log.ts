import type { Clock } from '../clock.js';
import type { AuditEvent, AuditQuery, AuditStore } from '../store/audit-store.js';
import type { AuditEntry, AuditVia } from '../store/auth-store.js';
import type { Principal } from './principal.js';

/** What an audited change is about, as a route or service names it. */
export interface AuditSubject {
  /** `<resource>.<verb>`: `user.create`, `experiment.delete`, `token.revoke` ... */
  action: string;
  resourceType: string;
  resourceId: string;
  /** Anything else worth keeping, stored as a JSON object's text (never a secret). */
  detail?: Record<string, unknown>;
}

/** How a principal was proven, as the audit log names it (`none`, auth off or the server itself: `local`). */
export function auditVia(principal: Principal): AuditVia {
  return principal.via === 'none' ? 'local' : principal.via;
}

/**
 * Writes and reads the audit log (docs/adr/0013-auth.md §8). Auth writes hand the store an
 * {@link entry} to record in their own transaction; other changes (deletions made by the tracking,
 * registry and webhook services) are recorded with {@link record} right after they committed.
 * Times come from the injected clock.
 *
 * @example
 * const audit = new AuditLog(store, clock);
 * await users.deleteUser(actor, 'bob'); // entry(actor, { action: 'user.delete', ... }) inside
 * await audit.record(actor, { action: 'experiment.delete', resourceType: 'experiment', resourceId: '3' });
 */
export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  /** The event of `actor` doing `subject`, now. */
  entry(actor: Principal, subject: AuditSubject): AuditEntry {
    return {
      time: this.clock.now(),
      actor: actor.username,
      via: auditVia(actor),
      action: subject.action,
      resourceType: subject.resourceType,
      resourceId: subject.resourceId,
      detail: JSON.stringify(subject.detail ?? {}),
    };
  }

  /** Records a change that committed elsewhere. */
  record(actor: Principal, subject: AuditSubject): Promise<void> {
    return this.store.record(this.entry(actor, subject));
  }

  search(query: AuditQuery): Promise<{ events: AuditEvent[]; nextPageToken?: string }> {
    return this.store.search(query);
  }
}
