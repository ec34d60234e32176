import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { type PoolUse } from '../db/client.js';
import type { MailCounters } from '../mail/outbox.worker.js';
import type { RequestRecord } from './request-log.js';

/** What the metrics read when they are scraped. */
export interface MetricsSources {
  mailCounters: MailCounters;
  /** Queued mail: how many, and the age of the oldest (a database query; throws when it is away). */
  queueStats(): Promise<{ depth: number; oldestSeconds: number }>;
  /** PostgreSQL's pool; null on PGlite. */
  poolUse: PoolUse | null;
  /** 1 when /ready would answer 200. */
  ready(): boolean;
}

/** Which limits a refused call counted against: a RateLimitError names no single limit. */
const LIMIT_GROUP: Record<string, string> = {
  createEmailToken: 'email-token',
  createMagicURLToken: 'email-token',
  createSession: 'session',
};

/**
 * The service's Prometheus metrics, in a registry of its own (tests build several apps in one
 * process). Every label takes its values from a bounded set: schema field names, outcome type names,
 * fixed words; never an operation name, a path or anything else a client writes.
 */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: 'otpql_graphql_request_duration_seconds',
    help: 'GraphQL requests from arrival to answer, by top-level field (the operation) and outcome type',
    labelNames: ['field', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const codesIssued = new Counter({
    name: 'otpql_codes_issued_total',
    help: 'Login codes and links issued (each queues one mail)',
    labelNames: ['kind'],
    registers,
  });
  const logins = new Counter({ name: 'otpql_logins_total', help: 'createSession calls by outcome type', labelNames: ['outcome'], registers });
  const refusals = new Counter({
    name: 'otpql_rate_limit_refusals_total',
    help: 'Calls refused by a rate limit: email-token (createEmailToken, createMagicURLToken) or session (createSession)',
    labelNames: ['limit'],
    registers,
  });

  // The mail worker's own counters, read at each scrape.
  const seen: Partial<MailCounters> = {};
  new Counter({
    name: 'otpql_mail_messages_total',
    help: "Login mails by what became of them: queued, sent, retried (an attempt failed, another follows), failed (given up), dropped (code replaced, used or expired first); this process's worker",
    labelNames: ['outcome'],
    registers,
    collect() {
      for (const [outcome, value] of Object.entries(sources.mailCounters) as [keyof MailCounters, number][]) {
        const delta = value - (seen[outcome] ?? 0);
        seen[outcome] = value;
        this.inc({ outcome }, delta);
      }
    },
  });
  // One outbox query per scrape for both gauges (prom-client collects the metrics concurrently).
  let stats: Promise<{ depth: number; oldestSeconds: number } | null> | undefined;
  const queueStats = () => {
    if (!stats) {
      stats = sources.queueStats().catch(() => null);
      setTimeout(() => (stats = undefined), 200).unref();
    }
    return stats;
  };
  new Gauge({
    name: 'otpql_mail_queue_depth',
    help: 'Mails waiting in the outbox (-1: the database did not answer)',
    registers,
    async collect() {
      this.set((await queueStats())?.depth ?? -1);
    },
  });
  new Gauge({
    name: 'otpql_mail_queue_oldest_seconds',
    help: 'Age of the oldest mail waiting in the outbox (-1: the database did not answer)',
    registers,
    async collect() {
      this.set((await queueStats())?.oldestSeconds ?? -1);
    },
  });
  new Gauge({
    name: 'otpql_db_pool_connections_max',
    help: 'PostgreSQL connections the pool may open (0 on the embedded database)',
    registers,
    collect() {
      this.set(sources.poolUse?.max ?? 0);
    },
  });
  new Gauge({
    name: 'otpql_db_statements_in_flight',
    help: 'Statements running or waiting for a pooled connection; above the pool size they queue',
    registers,
    collect() {
      this.set(sources.poolUse?.inFlight ?? 0);
    },
  });
  new Gauge({
    name: 'otpql_ready',
    help: '1 while /ready answers 200',
    registers,
    collect() {
      this.set(sources.ready() ? 1 : 0);
    },
  });

  /** Counts one finished GraphQL request. */
  function record(request: RequestRecord, status: number, seconds: number): void {
    if (request.fields.length === 0) requestDuration.observe({ field: 'none', outcome: `http-${status}` }, seconds);
    for (const { field, outcome } of request.fields) {
      requestDuration.observe({ field, outcome }, seconds);
      if (outcome === 'Token' && (field === 'createEmailToken' || field === 'createMagicURLToken')) {
        codesIssued.inc({ kind: field === 'createEmailToken' ? 'code' : 'link' });
      }
      if (field === 'createSession') logins.inc({ outcome });
      if (outcome === 'RateLimitError' && LIMIT_GROUP[field]) refusals.inc({ limit: LIMIT_GROUP[field] });
    }
  }

  /** The GraphQL phases (parse, validate, execute) and errors, from Yoga's Prometheus plugin, without client-chosen labels. */
  const graphqlPlugin = usePrometheus({
    registry,
    endpoint: false,
    labels: { operationName: false, url: false, path: false, fieldName: false, typeName: false },
    metrics: {
      graphql_envelop_request: false,
      graphql_envelop_request_duration: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_execute_resolver: false,
      graphql_yoga_http_duration: false,
    },
  }) as Plugin;

  return { registry, record, graphqlPlugin };
}

export type Metrics = ReturnType<typeof createMetrics>;
