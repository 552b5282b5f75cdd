import { useState } from 'react';
import { useSearchParams } from 'react-router';

/** Token paging whose current page token lives in the URL (`?page=...`). */
export interface PageTokenPaging {
  /** The current page's token; undefined on the first page. */
  pageToken: string | undefined;
  /** Whether there is a page before this one (the first page has none). */
  hasPrevious: boolean;
  /** Goes to the page a list answer's `next_page_token` names. */
  next(token: string): void;
  /** Goes back one page (to the first when this page was opened from a link). */
  previous(): void;
  /** Forgets the pages before this one: call it when the list changes under the paging (a new search). */
  reset(): void;
}

/**
 * Paging through an MLflow list by its page tokens, with the current token in the URL's `param` (other
 * search params are kept) so a page can be linked and reloaded. Tokens only go forward, so the tokens of
 * the pages before this one are kept here, for "Previous".
 *
 * @example
 * const paging = usePageToken();
 * const models = useRegisteredModels(search, paging.pageToken, 25);
 * <Pager paging={paging} nextPageToken={models.data?.nextPageToken} />
 */
export function usePageToken(param = 'page'): PageTokenPaging {
  const [params, setParams] = useSearchParams();
  const [earlier, setEarlier] = useState<string[]>([]);
  const pageToken = params.get(param) || undefined;
  const setToken = (token: string | undefined) =>
    setParams(
      (current) => {
        const p = new URLSearchParams(current);
        if (token) p.set(param, token);
        else p.delete(param);
        return p;
      },
      { replace: true },
    );
  return {
    pageToken,
    hasPrevious: Boolean(pageToken),
    next: (token) => {
      setEarlier([...earlier, pageToken ?? '']);
      setToken(token);
    },
    previous: () => {
      setEarlier(earlier.slice(0, -1));
      setToken(earlier.at(-1) || undefined);
    },
    reset: () => setEarlier([]),
  };
}
