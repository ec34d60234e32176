import type { BlockList } from 'node:net';
import { z } from 'zod';
import { isAddressList, parseAddressList } from '../lib/client-ip.js';

/** Loopback, IPv4 and IPv6: who may read /metrics on the public port unless METRICS_ALLOW says more. */
const LOOPBACK = '127.0.0.0/8,::1';

/** The operators' variables, part of the environment schema (app/config.ts). */
export const opsEnv = {
  METRICS: z
    .string()
    .regex(/^(on|off|[1-9][0-9]{0,4})$/, 'must be on, off or a port number')
    .refine((v) => !/^[0-9]+$/.test(v) || Number(v) <= 65535, 'must be a port number up to 65535')
    .default('on'),
  METRICS_ALLOW: z.string().refine(isAddressList, 'must be a comma-separated list of IP addresses and CIDR ranges').optional(),
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().int().min(0).max(300).default(0),
};

export interface OpsConfig {
  /** `off`; `on`: /metrics on the server's port; a number: on a listener of its own on that port. */
  metrics: 'off' | 'on' | number;
  /** Who may read /metrics: METRICS_ALLOW, else loopback on the server's port and anyone on a port of its own. */
  metricsAllow: BlockList | null;
  /** After SIGTERM, how long /ready answers 503 before the listener closes (the load balancer's reaction time). */
  shutdownDelaySeconds: number;
}

export function opsConfig(e: { METRICS: string; METRICS_ALLOW?: string | undefined; SHUTDOWN_DELAY_SECONDS: number }): OpsConfig {
  const metrics = e.METRICS === 'on' || e.METRICS === 'off' ? e.METRICS : Number(e.METRICS);
  const allow = e.METRICS_ALLOW ?? (metrics === 'on' ? LOOPBACK : undefined);
  return { metrics, metricsAllow: allow ? parseAddressList(allow) : null, shutdownDelaySeconds: e.SHUTDOWN_DELAY_SECONDS };
}
