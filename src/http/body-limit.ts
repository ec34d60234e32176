import type { Plugin } from 'graphql-yoga';

/**
 * Refuses bodies over `limit` bytes with 413 before they are parsed. A declared Content-Length is
 * checked up front (Node enforces it as the body's length); a chunked body is read up to the limit.
 */
export function useBodyLimit(limit: number): Plugin {
  const tooLarge = () =>
    new Response(JSON.stringify({ errors: [{ message: `Request body too large: at most ${limit} bytes.` }] }), {
      status: 413,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      if (request.headers.has('content-length')) {
        if (declaresTooMuch(request, limit)) endResponse(tooLarge());
        return;
      }
      if (!request.body || !requestParser) return;
      setRequestParser(async (original) => {
        const body = await readAtMost(original, limit);
        if (!body) return tooLarge();
        return requestParser(new fetchAPI.Request(original.url, { method: original.method, headers: original.headers, body }));
      });
    },
  };
}

/** Whether the request's Content-Length is malformed or over `limit` (false without one). */
export function declaresTooMuch(request: Request, limit: number): boolean {
  const declared = request.headers.get('content-length');
  return declared !== null && (!/^[0-9]+$/.test(declared) || Number(declared) > limit);
}

/** The body, or null as soon as it passes `limit` bytes (the rest is not read). */
export async function readAtMost(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

