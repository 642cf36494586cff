/**
 * Where to go after signing in: the `next` parameter when it is a path of this dashboard, else
 * the wallboard. Anything else (`//evil.example`, `https://…`, `javascript:`) would make the
 * sign-in page an open redirect.
 */
export function returnPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next.startsWith('/login') ? '/' : next;
}

/** The sign-in page's address that comes back to `path` (pathname and search of the current page). */
export function signInHref(path: string): string {
  return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}
