import { ApiError } from '@loupe/protocol';
import { ALL_VISIBLE, type Access, type AuthEffect, type Holder, type ResourceRef, type Visibility } from './access.js';
import { allows, type Action, type PermissionName } from './permission.js';
import type { Principal } from './principal.js';

const ACTIONS: readonly Action[] = ['read', 'edit', 'manage'];

/**
 * The one authorization point (docs/adr/0013-auth.md §3): every route's declared {@link Access} is
 * checked here, by `mountRpcs` for RPCs and `declare` for the other routes, and nowhere else.
 */
export interface Authorizer {
  /**
   * Allows the request or throws 403 PERMISSION_DENIED (401 UNAUTHENTICATED without a principal on a
   * route that is not public). Returns what a `filtered` route may show.
   */
  authorize<Req>(principal: Principal | undefined, access: Access<Req, never>, req: Req): Promise<Visibility>;
  /** Applies a successful request's permission changes (creator MANAGE, renames, deletes). */
  applyEffects(principal: Principal | undefined, effects: readonly AuthEffect[]): Promise<void>;
}

/**
 * The authorizer of a server without auth: everything is allowed, nothing is recorded.
 *
 * @example
 * mountRpcs(app, routes, services, { maxJsonBodyBytes, authorizer: OPEN_AUTHORIZER });
 */
export const OPEN_AUTHORIZER: Authorizer = {
  authorize: async () => ALL_VISIBLE,
  applyEffects: async () => {},
};

/** Where the permission of each resource a request names is held (the inheritance map). */
export interface ResourceParents {
  /** The holders of a resource; an empty list when it has none (a dataset linked to no experiment). */
  holdersOf(resource: ResourceRef): Promise<readonly Holder[]>;
}

/** A user's explicit permission rows. */
export interface UserPermissions {
  experiments: ReadonlyMap<string, PermissionName>;
  registeredModels: ReadonlyMap<string, PermissionName>;
}

/** The permission rows the authorizer reads and the effects it writes (a cached view of the auth store). */
export interface PermissionSource {
  permissionsOf(userId: number): Promise<UserPermissions>;
  applyEffect(userId: number, effect: AuthEffect): Promise<void>;
}

/** The 403 every refusal answers (a JSON body: what MLflow's clients parse best, spec §11.4). */
export function permissionDenied(): ApiError {
  return new ApiError('PERMISSION_DENIED', 'Permission denied');
}

/** The 401 of a route reached without a principal. */
export function unauthenticated(): ApiError {
  return new ApiError('UNAUTHENTICATED', 'You are not authenticated. Send HTTP Basic credentials (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD).');
}

/**
 * Checks declarations against users' permissions: admins pass, other principals need the declared
 * action on every holder of every named resource, with `defaultPermission` where they have no row.
 *
 * @example
 * const authorizer = new PermissionAuthorizer(permissions, parents, 'READ');
 * await authorizer.authorize(principal, read(() => ref.experiment('1')), {});
 */
export class PermissionAuthorizer implements Authorizer {
  constructor(
    private readonly permissions: PermissionSource,
    private readonly parents: ResourceParents,
    private readonly defaultPermission: PermissionName,
  ) {}

  async authorize<Req>(principal: Principal | undefined, access: Access<Req, never>, req: Req): Promise<Visibility> {
    if (access.kind === 'public') return ALL_VISIBLE;
    if (!principal) throw unauthenticated();
    if (principal.isAdmin) return ALL_VISIBLE;
    switch (access.kind) {
      case 'authenticated':
        return ALL_VISIBLE;
      case 'admin':
        throw permissionDenied();
      case 'self-or-admin': {
        const username = access.username(req);
        if (username !== undefined && username !== principal.username) throw permissionDenied();
        return ALL_VISIBLE;
      }
      case 'filtered':
        return this.visibility(principal);
      default: {
        for (const action of ACTIONS) {
          const locate = access[action];
          if (locate) await this.checkResources(principal, action, locate(req));
        }
        return access.filter ? this.visibility(principal) : ALL_VISIBLE;
      }
    }
  }

  async applyEffects(principal: Principal | undefined, effects: readonly AuthEffect[]): Promise<void> {
    for (const effect of effects) {
      // Renames and deletes follow the model whoever made them; a grant needs a user to grant to.
      if (effect.type === 'grant-creator' && (principal?.userId ?? null) === null) continue;
      await this.permissions.applyEffect(principal?.userId ?? -1, effect);
    }
  }

  private async checkResources(principal: Principal, action: Action, located: ResourceRef | readonly ResourceRef[]): Promise<void> {
    const resources: readonly ResourceRef[] = Array.isArray(located) ? located : [located as ResourceRef];
    const holders: Holder[] = [];
    for (const resource of resources) holders.push(...(await this.parents.holdersOf(resource)));
    // Nothing to check against is no permission: an unscoped search or an orphan dataset is refused (MLflow's bulk rule).
    if (holders.length === 0) throw permissionDenied();
    const own = await this.userPermissions(principal);
    for (const holder of holders) {
      if (!allows(this.permissionOn(own, holder), action)) throw permissionDenied();
    }
  }

  private async visibility(principal: Principal): Promise<Visibility> {
    const own = await this.userPermissions(principal);
    return {
      experiment: (id) => allows(this.permissionOn(own, { type: 'experiment', id }), 'read'),
      registeredModel: (name) => allows(this.permissionOn(own, { type: 'registered-model', name }), 'read'),
    };
  }

  private userPermissions(principal: Principal): Promise<UserPermissions> {
    if (principal.userId === null) return Promise.resolve({ experiments: new Map(), registeredModels: new Map() });
    return this.permissions.permissionsOf(principal.userId);
  }

  private permissionOn(own: UserPermissions, holder: Holder): PermissionName {
    const explicit = holder.type === 'experiment' ? own.experiments.get(holder.id) : own.registeredModels.get(holder.name);
    return explicit ?? this.defaultPermission;
  }
}
