import type { Plugin } from 'graphql-yoga';

const pending = new WeakMap<Request, string[]>();

/** Queues a Set-Cookie header for the response to `request` (resolvers cannot touch the response). */
export function queueCookie(request: Request, cookie: string): void {
  const list = pending.get(request) ?? [];
  list.push(cookie);
  pending.set(request, list);
}

/** Yoga plugin writing the queued Set-Cookie headers into the response. */
export function useQueuedCookies(): Plugin {
  return {
    onResponse({ request, response }) {
      for (const cookie of pending.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}
