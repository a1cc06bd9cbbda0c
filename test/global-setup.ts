import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** End-to-end tests drive the bundled binary; `npm test` builds it first, plain vitest may not. */
export default function setup(): void {
  if (!existsSync('dist/cli.js'))
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
