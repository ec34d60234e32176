import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev:web` and `npm run preview:web` forward /graphql to the API (OTPQL_ORIGIN, default
// http://localhost:4000), so the page talks to it as it will when the server serves it: same
// origin, cookie and all. VITE_OTPQL_API at build time, or ?api= on a loopback page, point it
// elsewhere (see src/endpoint.ts).
const api = process.env.OTPQL_ORIGIN || 'http://localhost:4000';
const proxy = { '/graphql': { target: api } };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built page works wherever the server mounts it.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy },
  preview: { proxy },
});
