import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const requestIds = new WeakMap<Request, string>();
/** A client's or proxy's id is kept if it is plausible; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of the request: logged with its unexpected errors and echoed in `x-request-id`. */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const sent = request.headers.get('x-request-id');
    id = sent && REQUEST_ID.test(sent) ? sent : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/** Gives every request its id and echoes it in `x-request-id`. */
export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      requestIdOf(request);
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}

