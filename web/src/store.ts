// A value the whole app shares (the language, the session, the route), and a hook that re-renders a
// component when it changes.
import { useEffect, useState } from 'preact/hooks';

export interface Store<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

export function store<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore<T>(shared: Store<T>): T {
  const [value, setValue] = useState(shared.get);
  useEffect(() => {
    setValue(() => shared.get());
    return shared.subscribe(() => setValue(() => shared.get()));
  }, [shared]);
  return value;
}
