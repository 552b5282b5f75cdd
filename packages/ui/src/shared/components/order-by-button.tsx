/** An MLflow `order_by` clause split into its key and direction (`metrics.\`my loss\` ASC`: the last word is the direction). */
function splitOrderBy(orderBy: string): [key: string, direction: string] {
  const space = orderBy.lastIndexOf(' ');
  return space < 0 ? [orderBy, ''] : [orderBy.slice(0, space), orderBy.slice(space + 1)];
}

/**
 * A column's `aria-sort` under the server's `order_by`: its direction when the table is ordered by
 * `key`, else undefined.
 *
 * @example
 * orderBySort('timestamp_ms DESC', 'timestamp_ms'); // 'descending'
 */
export function orderBySort(orderBy: string, key: string | undefined): 'ascending' | 'descending' | undefined {
  const [current, direction] = splitOrderBy(orderBy);
  if (key === undefined || key !== current) return undefined;
  return direction === 'ASC' ? 'ascending' : 'descending';
}

/**
 * A sortable column's header button for a server-ordered table: a click orders by `orderKey`,
 * descending first, then toggles; the arrow shows the direction (faint when another column orders).
 *
 * @example
 * <OrderByButton orderKey="timestamp_ms" orderBy={orderBy} onOrderBy={setOrderBy}>Time</OrderByButton>
 */
export function OrderByButton({
  orderKey,
  orderBy,
  onOrderBy,
  className,
  children,
}: {
  orderKey: string;
  orderBy: string;
  onOrderBy: (orderBy: string) => void;
  /** Added to the button's classes (`uppercase`, `max-w-full`). */
  className: string;
  children: React.ReactNode;
}) {
  const sort = orderBySort(orderBy, orderKey);
  const [current, direction] = splitOrderBy(orderBy);
  return (
    <button
      type="button"
      onClick={() => onOrderBy(`${orderKey} ${current === orderKey && direction === 'DESC' ? 'ASC' : 'DESC'}`)}
      className={`inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-white ${className}`}
    >
      {children}
      <span aria-hidden className={sort ? '' : 'opacity-30'}>
        {sort === 'ascending' ? '▲' : '▼'}
      </span>
    </button>
  );
}
