/**
 * Says that this server lacks a route the page needs (an older server, or one built before the route
 * landed), naming it, instead of a generic 404.
 *
 * @example
 * <MissingRouteNote route="GET /api/2.0/loupe/users/list" what="Listing users" />
 */
export function MissingRouteNote({ route, what }: { route: string; what: string }) {
  return (
    <div
      role="note"
      className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
    >
      {what} is not available on this server: it does not answer <span className="font-mono text-xs">{route}</span>.
    </div>
  );
}
