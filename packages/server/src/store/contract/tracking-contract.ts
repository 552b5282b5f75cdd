import type { ExperimentStore, RunStore } from '../tracking-store.js';

/** The stores a tracking contract suite needs, on one fresh database. */
export interface TrackingStores {
  experiments: ExperimentStore;
  runs: RunStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type TrackingStoresFactory = () => Promise<TrackingStores>;
