import type { PageTokenPaging } from '../hooks/use-page-token';
import { Button } from './button';

/**
 * "Previous" and "Next" under a token-paged list; Next is off when the last answer had no `next_page_token`.
 *
 * @example
 * const paging = usePageToken();
 * <Pager paging={paging} nextPageToken={data?.nextPageToken} />
 */
export function Pager({ paging, nextPageToken }: { paging: PageTokenPaging; nextPageToken: string | undefined }) {
  return (
    <div className="mt-3 flex justify-end gap-2">
      <Button size="sm" disabled={!paging.hasPrevious} onClick={paging.previous}>
        Previous
      </Button>
      <Button size="sm" disabled={!nextPageToken} onClick={() => nextPageToken && paging.next(nextPageToken)}>
        Next
      </Button>
    </div>
  );
}
