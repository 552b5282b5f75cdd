import type { LoggedModelStore } from '../logged-model-store.js';
import type { ExperimentStore, RunStore } from '../tracking-store.js';

/** The stores a tracking contract suite needs, on one fresh database. */
export interface TrackingStores {
  experiments: ExperimentStore;
  runs: RunStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type TrackingStoresFactory = () => Promise<TrackingStores>;

/** The stores the logged-model contract needs, on one fresh database. */
export interface LoggedModelStores extends TrackingStores {
  loggedModels: LoggedModelStore;
}

/** Makes fresh stores for each test. */
export type LoggedModelStoresFactory = () => Promise<LoggedModelStores>;
