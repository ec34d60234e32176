import type { Plugin } from 'graphql-yoga';

/** Below this a gzip header and a compression pass cost more than they save. */
export const MIN_COMPRESSED_BYTES = 1024;

// Not text/event-stream: a compressor holds back what it has not filled a block with, and a
// subscription's events would wait in it.
const COMPRESSIBLE = /^(text\/(?!event-stream)|application\/(json|graphql-response\+json|javascript|xml)|image\/svg\+xml)/i;

/** Whether `accept-encoding` accepts gzip: a `gzip` (or `*`) token whose q is not 0. */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [token, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (token !== 'gzip' && token !== 'x-gzip' && token !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

/**
 * Gzips text responses of 1 KB and more for clients that accept it: GraphiQL's page (9 MB of
 * inlined assets) goes over the wire as ~2.5 MB, the login page's script and the dev inbox too.
 *
 * Not whatwg-node's useContentEncoding: it also inflates compressed request bodies, past the body
 * limit (a small gzip body can inflate to gigabytes), and picks brotli at quality 11, which takes
 * seconds on GraphiQL's page. Responses that set a cookie are left alone: they carry a session's
 * secret, and a compressed secret beside text a third party chose leaks through its size (BREACH).
 */
export function useCompression(): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      const type = response.headers.get('content-type') ?? '';
      if (!response.body || !COMPRESSIBLE.test(type) || response.headers.has('content-encoding')) return;
      if (!response.headers.get('vary')?.toLowerCase().includes('accept-encoding')) response.headers.append('vary', 'Accept-Encoding');
      const length = response.headers.get('content-length');
      if (length !== null && Number(length) < MIN_COMPRESSED_BYTES) return;
      if (!acceptsGzip(request.headers.get('accept-encoding')) || response.headers.has('set-cookie')) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-encoding', 'gzip');
      headers.delete('content-length');
      // A response built with the global Response (e.g. /metrics, which also serves a port of its own)
      // has Node's stream, which pipes only through Node's compressor; Yoga's own has the ponyfill's.
      const Compression = response.body instanceof globalThis.ReadableStream ? globalThis.CompressionStream : fetchAPI.CompressionStream;
      setResponse(
        new fetchAPI.Response(response.body.pipeThrough(new Compression('gzip')), {
          status: response.status,
          statusText: response.statusText,
          headers,
        }),
      );
    },
  };
}
