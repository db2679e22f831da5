import type { PagedList } from './paged-list';

/** The list's error, and "Load more" while the cloud has another page. */
export function MoreButton({ list }: { list: PagedList<unknown> }) {
  return (
    <>
      {list.error ? (
        <p role="alert" className="notice bad" data-testid="load-error">
          {list.error}
        </p>
      ) : null}
      {list.cursor ? (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading} data-testid="load-more">
          {list.loading ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
      {!list.ready ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}
    </>
  );
}
