// Client-side routes on the History API: the gateway (and CloudFront) answer index.html for any path that
// is not under /v1, so a reload or a bookmark of /desk opens the desk.
import { type AnchorHTMLAttributes, h, type TargetedMouseEvent } from 'preact';
import { store, useStore } from './store.ts';

export const currentPath = store(location.pathname);

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  currentPath.set(location.pathname);
}

addEventListener('popstate', () => currentPath.set(location.pathname));

export const usePath = () => useStore(currentPath);

/** A path's parameters against a pattern such as /cards/:cardNumber; undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = (path.length > 1 ? path.replace(/\/+$/, '') : path).split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? '';
    if (part.startsWith(':')) {
      if (value === '') return undefined;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) return undefined;
  }
  return params;
}

/** An ordinary link that changes the route without reloading the page (new tabs and the like still work). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  const active = useStore(currentPath) === props.href;
  return h('a', { ...props, onClick, ...(active && { 'aria-current': 'page' }) });
}
