import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface RequestHandlerDeps {
  /** Yoga (or any fetch-API adapter) as a node request listener. */
  yoga: RequestListener;
  logger: Logger;
}

/**
 * The node request listener in front of Yoga, for every route. Yoga's adapter makes the fetch
 * Request's URL from the Host header and the request target; a Host such as `a b`, `[` or `x:99999`
 * makes that throw, and the adapter answers 500 with the stack trace (node_modules paths included),
 * even in production. Such a request is the client's error: it is refused here, before Yoga.
 */
export function createRequestHandler({ yoga, logger }: RequestHandlerDeps): RequestListener {
  return (req, res) => {
    if (hasValidUrl(req)) return yoga(req, res);
    logger.warn(
      { host: excerpt(req.headers.host), target: excerpt(req.url), remoteAddress: req.socket.remoteAddress },
      'refused a request whose Host header and target make no valid URL',
    );
    badRequest(res);
  };
}

/** The same URL the adapter builds (a request without Host gets the local address, always valid). */
function hasValidUrl(req: IncomingMessage): boolean {
  return URL.canParse(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`);
}

function badRequest(res: ServerResponse): void {
  const body = JSON.stringify({ errors: [{ message: 'Bad request: the Host header or the request target is not valid.' }] });
  res.writeHead(400, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    // A client that sends such a request is broken or probing: nothing more is read from it.
    connection: 'close',
  });
  res.end(body);
}

/** Enough of a hostile value to recognise it in the log, not the 16 KB a header may hold. */
function excerpt(value: string | undefined): string | undefined {
  return value && value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
