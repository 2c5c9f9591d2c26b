// A list of the API, page by page (nextCursor), with "show more".
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

export interface Pages<T> {
  readonly items: readonly T[];
  readonly error: unknown;
  readonly loading: boolean;
  readonly more: (() => void) | undefined;
}

export function usePages<T>(path: string, query: Record<string, string | number | undefined>): Pages<T> {
  const [state, setState] = useState<{ items: T[]; next?: string; error?: unknown; loading: boolean }>({
    items: [],
    loading: true,
  });
  const queryKey = JSON.stringify(query);
  const load = async (cursor: string | undefined, keep: T[]) => {
    setState({ items: keep, loading: true });
    try {
      const page = await api<{ items: T[]; nextCursor?: string }>('GET', path, {
        query: { ...query, cursor },
      });
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
