// A module hook (module.register) for the UI bench: Ink's output module gets the same cross-frame
// caches as the shipped bundle (scripts/ink-output-cache.mjs), so the bench measures what ships.
import { fileURLToPath } from 'node:url';
import { cacheInkOutput, INK_OUTPUT_FILE } from '../scripts/ink-output-cache.mjs';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.startsWith('file:') || !INK_OUTPUT_FILE.test(fileURLToPath(url))) return result;
  return { ...result, source: cacheInkOutput(String(result.source), url) };
}
