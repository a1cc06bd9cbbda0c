import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Reads a binary file of the committed weights. From source it sits in `weights/` beside this
 * module; the build copies it to `dist/`, where this code runs from `dist/route.cjs`,
 * `dist/cli.js` or a chunk in `dist/chunks/`.
 */
export function readWeightsFile(name: string): Uint8Array {
  for (const at of [`./weights/${name}`, `./${name}`, `../${name}`]) {
    try {
      return readFileSync(new URL(at, import.meta.url));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new Error(
    `router weights: ${name} is missing beside ${fileURLToPath(new URL('.', import.meta.url))} (run npm run build)`,
  );
}
