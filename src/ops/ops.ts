import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { TrustProxy } from '../lib/client-ip.js';
import { useRequestLog } from './request-log.js';

export interface OpsDeps {
  config: { trustProxy: TrustProxy | null };
  logger: Logger;
  graphqlEndpoint: string;
}

/** What operators watch: the request log. One Yoga plugin, mounted by createApp. */
export function createOps({ config, logger, graphqlEndpoint }: OpsDeps) {
  const plugin: Plugin = {
    onPluginInit({ addPlugin }) {
      addPlugin(useRequestLog({ logger, graphqlEndpoint, trustProxy: config.trustProxy }) as Plugin);
    },
  };
  return { plugin };
}

export type Ops = ReturnType<typeof createOps>;
