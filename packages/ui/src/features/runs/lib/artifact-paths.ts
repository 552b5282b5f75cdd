/**
 * Artifact paths as the artifact list API gives them: relative to the run's root, `/`-separated
 * (`plots/loss.png`). The browser keeps the chosen one in the URL and opens the folders leading to it.
 */

/**
 * The folder holding an artifact (`''` at the root).
 *
 * @example
 * artifactFolder('plots/roc/curve.png'); // 'plots/roc'
 */
export function artifactFolder(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * The folders leading to an artifact, outermost first.
 *
 * @example
 * artifactAncestors('plots/roc/curve.png'); // ['plots', 'plots/roc']
 */
export function artifactAncestors(path: string | undefined): string[] {
  if (!path) return [];
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
