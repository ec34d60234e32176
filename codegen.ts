import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types for the example clients, from the committed contract (schema.graphql) and the operations
 * in examples/shared/operations.ts. `npm run codegen` writes examples/gql/; `npm run typecheck`
 * fails when that output is stale, so a schema change that breaks a client breaks CI.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/**/*.ts', '!examples/gql/**', '!examples/web/dist/**'],
  // Without it the generated files import './graphql' and `moduleResolution: NodeNext` refuses
  // them (TS2835: relative imports need an extension).
  importExtension: '.js',
  generates: {
    'examples/gql/': {
      preset: 'client',
      // Result unions are read whole; no fragment masking to unwrap.
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents as typed strings: the browser bundle needs no graphql-js to send them.
        documentMode: 'string',
        // DateTime is an ISO-8601 string on the wire; without a mapping it comes out as `unknown`.
        scalars: { DateTime: 'string' },
        // A scalar added to the schema without a mapping here fails codegen instead of becoming `any`.
        strictScalars: true,
        // String unions instead of TypeScript enums: ErrorCode values compare with plain strings.
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
