import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = join(ROOT, 'examples/web');
const BUILT = join(WEB, 'dist/index.html');

const newest = (dir: string): number =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

/**
 * The login page as the server serves it (examples/web/dist): built with `npm run build:web` when
 * missing or older than its sources (~1.5 s). Only the browser test files call it, one at a time.
 */
export function ensureWebBuild(): void {
  const sources = Math.max(newest(join(WEB, 'src')), newest(join(ROOT, 'examples/shared')), newest(join(ROOT, 'examples/gql')), statSync(join(WEB, 'index.html')).mtimeMs);
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sources) return;
  execFileSync('npm', ['run', '-s', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
}
