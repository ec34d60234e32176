import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = join(ROOT, 'examples/web');
const BUILT = join(WEB, 'dist/index.html');

const newest = (dir: string): number =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

const fresh = () => {
  const sources = Math.max(newest(join(WEB, 'src')), newest(join(ROOT, 'examples/shared')), newest(join(ROOT, 'examples/gql')), statSync(join(WEB, 'index.html')).mtimeMs);
  return existsSync(BUILT) && statSync(BUILT).mtimeMs >= sources;
};

/**
 * The login page as the server serves it (examples/web/dist): built with `npm run build:web` when
 * missing or older than its sources (~1.5 s). Test files run in parallel: a lock directory keeps a
 * second build from emptying dist/ under the first file's server.
 */
export async function ensureWebBuild(): Promise<void> {
  if (fresh()) return;
  const lock = join(WEB, '.build-lock');
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 60_000) rmSync(lock, { recursive: true, force: true }); // left by a killed run
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (!fresh()) execFileSync('npm', ['run', '-s', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
