/**
 * The path an MLflow UI link means. MLflow's UI routes after a `#` (`/#/experiments/1/runs/abc`);
 * Loupe's pages have the same paths without it, so old links and bookmarks open the same page (and
 * unknown ones the not-found page). Null when the URL is not such a link.
 *
 * @example
 * mlflowHashRoute({ pathname: '/', hash: '#/experiments/1/runs/abc' }); // '/experiments/1/runs/abc'
 * mlflowHashRoute({ pathname: '/experiments/1', hash: '#x' }); // null
 */
export function mlflowHashRoute(url: { pathname: string; hash: string }): string | null {
  if (url.pathname !== '/' || !url.hash.startsWith('#/')) return null;
  return url.hash.slice(1);
}
