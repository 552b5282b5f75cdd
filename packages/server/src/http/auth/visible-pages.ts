/** A page of a search: its rows and the token of the next one. */
export interface SearchPage<T> {
  items: T[];
  nextPageToken?: string | undefined;
}

/** Most searches one filtered request makes before answering a short page (whose token goes on from there). */
const MAX_FETCHES = 20;

/**
 * A page of up to `maxResults` rows the caller may see, for `filtered` routes (MLflow's
 * `filter_search_*`: refetch until the page is full or the results end). Each further search asks for
 * only the rows still missing, so every row it returns fits and the next page token stays exact.
 * When everything is visible this is one search, as without auth.
 *
 * @example
 * const page = await visiblePage((limit, token) => search({ maxResults: limit, pageToken: token }), req.page_token, 1000, (e) => visible.experiment(e.id));
 */
export async function visiblePage<T>(
  search: (limit: number, pageToken: string | undefined) => Promise<SearchPage<T>>,
  pageToken: string | undefined,
  maxResults: number,
  visible: (row: T) => boolean,
): Promise<SearchPage<T>> {
  const items: T[] = [];
  let token = pageToken;
  for (let fetches = 0; fetches < MAX_FETCHES && items.length < maxResults; fetches++) {
    const page = await search(maxResults - items.length, token);
    items.push(...page.items.filter(visible));
    token = page.nextPageToken;
    if (!token) break;
  }
  return token ? { items, nextPageToken: token } : { items };
}
