import type { AuthStore } from '../store/auth-store.js';
import type { AuthEffect } from './access.js';
import type { AuthFreshness } from './auth-freshness.js';
import type { PermissionSource, UserPermissions } from './authorizer.js';

/** Users whose rows are kept at once; more are loaded again when asked for. */
const MAX_USERS = 10_000;

/**
 * The permission rows of each user, loaded from the {@link AuthStore} on first use and kept until
 * {@link AuthFreshness} clears them; also where the authorizer's effects are written (and then cleared).
 *
 * @example
 * const permissions = new CachedPermissions(store, freshness);
 * const own = await permissions.permissionsOf(user.id);
 */
export class CachedPermissions implements PermissionSource {
  private readonly byUser = new Map<number, UserPermissions>();

  constructor(
    private readonly store: AuthStore,
    private readonly freshness: AuthFreshness,
  ) {
    freshness.track(this.byUser);
  }

  async permissionsOf(userId: number): Promise<UserPermissions> {
    const cached = this.byUser.get(userId);
    if (cached) return cached;
    const epoch = this.freshness.epoch;
    const [experiments, models] = await Promise.all([this.store.experimentPermissions(userId), this.store.registeredModelPermissions(userId)]);
    const loaded: UserPermissions = {
      experiments: new Map(experiments.map((p) => [p.experimentId, p.permission])),
      registeredModels: new Map(models.map((p) => [p.name, p.permission])),
    };
    if (this.freshness.isCurrent(epoch)) {
      if (this.byUser.size >= MAX_USERS) this.byUser.clear();
      this.byUser.set(userId, loaded);
    }
    return loaded;
  }

  async applyEffect(userId: number, effect: AuthEffect): Promise<void> {
    switch (effect.type) {
      case 'grant-creator':
        if (effect.holder.type === 'experiment') await this.store.grantExperimentManage(effect.holder.id, userId);
        else await this.store.grantRegisteredModelManage(effect.holder.name, userId);
        break;
      case 'rename-model':
        await this.store.renameRegisteredModelPermissions(effect.from, effect.to);
        break;
      case 'forget-model':
        await this.store.deleteRegisteredModelPermissions(effect.name);
        break;
    }
    this.freshness.changed();
  }
}
