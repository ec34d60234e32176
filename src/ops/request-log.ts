import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { requestIdOf } from '../http/request-id.js';
import type { TrustProxy } from '../lib/client-ip.js';
import { clientIpOf } from '../lib/request-info.js';
import { type FieldOutcome, reportOutcomes } from './outcomes.js';

/** One GraphQL request, from its arrival to its answer. */
export interface RequestRecord {
  requestId: string;
  startedAt: number;
  ip: string | null;
  operation: string | null;
  fields: FieldOutcome[];
}

export interface RequestLogOptions {
  logger: Logger;
  graphqlEndpoint: string;
  trustProxy: TrustProxy | null;
  /** Told of every finished request (the metrics count them). */
  onFinished?: (record: RequestRecord, status: number, seconds: number) => void;
}

type ServerContext = { req?: IncomingMessage };

/**
 * One `info` line per GraphQL request: request id, operation name, top-level fields with their
 * outcome types (`Token`, `InvalidTokenError`, …), status, duration and client IP, and of an email
 * argument only its domain. Never a variable's value: codes, session credentials and addresses are
 * variables, so none of them can reach the line.
 */
export function useRequestLog({ logger, graphqlEndpoint, trustProxy, onFinished }: RequestLogOptions): Plugin<{ req?: IncomingMessage; request: Request }> {
  // Keyed by node's request where there is one: the body limit may hand Yoga a new fetch Request.
  const records = new WeakMap<object, RequestRecord>();
  const keyOf = (serverContext: ServerContext | undefined, request: Request) => serverContext?.req ?? request;
  const log = logger.child({ component: 'request' });
  let stopReporting: (() => void) | undefined;

  return {
    onSchemaChange({ schema }) {
      stopReporting?.();
      stopReporting = reportOutcomes(schema, (context) => {
        const record = records.get(keyOf(context as ServerContext, (context as { request: Request }).request));
        return record ? (outcome) => record.fields.push(outcome) : undefined;
      });
    },
    onDispose() {
      stopReporting?.();
    },
    onRequest({ request, url, serverContext }) {
      if (url.pathname !== graphqlEndpoint) return;
      const req = (serverContext as ServerContext | undefined)?.req;
      records.set(keyOf(serverContext as ServerContext, request), {
        requestId: requestIdOf(request),
        startedAt: performance.now(),
        ip: clientIpOf(request, req, trustProxy),
        operation: null,
        fields: [],
      });
    },
    onExecute({ args }) {
      const record = records.get(keyOf(args.contextValue, args.contextValue.request));
      if (record) record.operation = operationNameOf(args.document, args.operationName);
    },
    onResponse({ request, response, serverContext }) {
      const key = keyOf(serverContext as ServerContext, request);
      const record = records.get(key);
      if (!record) return;
      records.delete(key);
      const elapsedMs = performance.now() - record.startedAt;
      const domains = [...new Set(record.fields.flatMap((f) => f.emailDomain ?? []))];
      log.info(
        {
          requestId: record.requestId,
          operation: record.operation,
          fields: record.fields.map((f) => f.field),
          outcome: record.fields.map((f) => f.outcome),
          status: response.status,
          durationMs: Math.round(elapsedMs * 10) / 10,
          ip: record.ip,
          ...(domains.length > 0 ? { emailDomain: domains.join(',') } : {}),
        },
        'graphql request',
      );
      onFinished?.(record, response.status, elapsedMs / 1000);
    },
  };
}

/** The operation's own name, else the one the client asked for; null for an anonymous one. */
function operationNameOf(document: DocumentNode, requested: string | null | undefined): string | null {
  const name = getOperationAST(document, requested)?.name?.value ?? requested ?? null;
  // A client names its operations: bounded and plain, or not logged (it is free text otherwise).
  return name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : null;
}
