// A list of the API, page by page (nextCursor), with "show more".
import { useEffect, useState } from 'preact/hooks';
import { type AnswerOf, api, type PathOf } from '../api.ts';

/** The paths of GET lists that come in pages: `{items, nextCursor?}`. */
type ListPath = {
  [P in PathOf<'GET'>]: AnswerOf<'GET', P> extends { items: readonly unknown[]; nextCursor?: string }
    ? P
    : never;
}[PathOf<'GET'>];
type ItemOf<P extends ListPath> = AnswerOf<'GET', P> extends { items: readonly (infer T)[] } ? T : never;

export interface Pages<T> {
  readonly items: readonly T[];
  readonly error: unknown;
  readonly loading: boolean;
  readonly more: (() => void) | undefined;
}

export function usePages<P extends ListPath, T extends ItemOf<P> = ItemOf<P>>(
  path: P,
  query: Readonly<Record<string, string | undefined>>,
): Pages<T> {
  const [state, setState] = useState<{ items: T[]; next?: string; error?: unknown; loading: boolean }>({
    items: [],
    loading: true,
  });
  const queryKey = JSON.stringify(query);
  const load = async (cursor: string | undefined, keep: T[]) => {
    setState({ items: keep, loading: true });
    try {
      // One function for every list: its path is generic here, its answer a page of the path's items.
      const get = api as unknown as (
        method: 'GET',
        path: ListPath,
        options: { query: Readonly<Record<string, string | undefined>> },
      ) => Promise<{ items: T[]; nextCursor?: string }>;
      const page = await get('GET', path, { query: { ...query, cursor } });
      setState({ items: [...keep, ...page.items], next: page.nextCursor, loading: false });
    } catch (error) {
      setState({ items: keep, error, loading: false });
    }
  };
  useEffect(() => {
    void load(undefined, []);
  }, [path, queryKey]);
  const next = state.next;
  return {
    items: state.items,
    error: state.error,
    loading: state.loading,
    more: next ? () => void load(next, state.items) : undefined,
  };
}
