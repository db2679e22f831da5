import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { describeError, type Query } from '../api/client';
import { useSession } from '../ui/session';

type PageSchema = z.ZodType<{ items: unknown[]; next_cursor: string | null }>;

export interface PagedList<T> {
  items: T[];
  /** The cursor of the next page; null when the cloud has no more. */
  cursor: string | null;
  loading: boolean;
  error: string | undefined;
  /** The first page has answered (items or error). */
  ready: boolean;
  loadMore(): void;
  reload(): void;
}

/**
 * A keyset-paged list (`{items, next_cursor}`, contract/console-api.ts pageOf): the first page for `query`,
 * then loadMore() appends the next page from the cursor until the cloud says there is none. An answer for
 * an older query (the filters changed meanwhile) is dropped.
 */
export function usePagedList<S extends PageSchema>(path: string, schema: S, query: Query): PagedList<z.output<S>['items'][number]> {
  const { api } = useSession();
  const key = `${path}${JSON.stringify(query)}`;
  const generation = useRef(0);
  const [state, setState] = useState<{ items: Array<z.output<S>['items'][number]>; cursor: string | null; loading: boolean; error?: string; ready: boolean }>({
    items: [],
    cursor: null,
    loading: true,
    ready: false,
  });
  async function fetchPage(cursor: string | null) {
    const mine = cursor ? generation.current : ++generation.current;
    setState((s) => ({ ...s, ...(cursor ? {} : { items: [], ready: false }), loading: true, error: undefined }));
    try {
      const page = await api.get(path, schema, { ...query, ...(cursor ? { cursor } : {}) });
      if (mine !== generation.current) return;
      setState((s) => ({ items: cursor ? [...s.items, ...page.items] : page.items, cursor: page.next_cursor, loading: false, ready: true }));
    } catch (e) {
      if (mine !== generation.current) return;
      setState((s) => ({ ...s, loading: false, error: describeError(e), ready: true }));
    }
  }
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  useEffect(() => {
    fetchRef.current(null);
  }, [key]);
  return {
    ...state,
    error: state.error,
    loadMore: () => {
      if (state.cursor && !state.loading) fetchPage(state.cursor);
    },
    reload: () => fetchPage(null),
  };
}
