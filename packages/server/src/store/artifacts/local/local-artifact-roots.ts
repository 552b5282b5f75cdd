import { localPathOfUri } from '../artifact-uri.js';
import { LocalArtifactStore } from './local-artifact-store.js';

/** The local artifact folders a server reads and writes. */
export interface LocalArtifactRoots {
  /** The artifacts destination (behind `mlflow-artifacts:`). */
  destination: LocalArtifactStore;
  /** Every local folder runs may point into: the destination, plus a local default artifact root. */
  localRoots: { dir: string; store: LocalArtifactStore }[];
}

/**
 * Builds the local stores for a configuration: one for the artifacts destination, and one for the
 * default artifact root when that is a different local folder (`--default-artifact-root /srv/mlruns`),
 * so runs created under it can be listed and downloaded too.
 *
 * @example
 * const { destination, localRoots } = createLocalArtifactRoots({ artifactsDestination: '/data/a', defaultArtifactRoot: 'mlflow-artifacts:/' });
 */
export function createLocalArtifactRoots(config: { artifactsDestination: string; defaultArtifactRoot: string }): LocalArtifactRoots {
  const destination = new LocalArtifactStore(config.artifactsDestination);
  const localRoots = [{ dir: destination.rootDir, store: destination }];
  const defaultDir = localPathOfUri(config.defaultArtifactRoot);
  if (defaultDir !== null && defaultDir !== destination.rootDir) localRoots.push({ dir: defaultDir, store: new LocalArtifactStore(defaultDir) });
  return { destination, localRoots };
}
