import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin } from 'graphql-yoga';

/**
 * Limits on the document, measured against the schema's real operations: GraphiQL's introspection
 * query (the largest legitimate one) has depth 15 counting the leaves, 184 tokens, no aliases and
 * no directives; the login and account operations are far smaller. A 500-alias or 60-deep document is refused before
 * execution, as is any batch of more than MAX_ALIASES aliased mutation calls: each call is also
 * counted by the rate limits and the code's attempt cap, so this is a first line, not the only one.
 */
export const DOCUMENT_LIMITS = {
  maxDepth: 20,
  maxAliases: 10,
  maxTokens: 1000,
  maxDirectives: 10,
  maxCost: 5000,
} as const;

/** What a document may be (graphql-armor), and what it may learn of the schema. */
export function documentLimitPlugins(options: { production: boolean; introspection: boolean }): Plugin[] {
  const limits = DOCUMENT_LIMITS;
  return [
    maxTokensPlugin({ n: limits.maxTokens }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: false }),
    maxAliasesPlugin({ n: limits.maxAliases }),
    maxDirectivesPlugin({ n: limits.maxDirectives }),
    // The cost model grows as 1.5^depth: it prices the fixed introspection query at ~87 000. That
    // query is already bounded by the depth and token limits (and INTROSPECTION=off), so cost is
    // checked on the schema's own fields only.
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true }),
    // "Did you mean …" tells a stranger the schema even with introspection off.
    ...(options.production ? [blockFieldSuggestionsPlugin()] : []),
    ...(options.introspection ? [] : [useDisableIntrospection()]),
  ] as Plugin[];
}
