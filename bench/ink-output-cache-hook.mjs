// A module hook (module.register) for the UI bench: Ink's output and render modules get the same
// cross-frame caches as the shipped bundle (scripts/ink-output-cache.mjs), so the bench measures
// what ships.
import { fileURLToPath } from 'node:url';
import { patchInkFile } from '../scripts/ink-output-cache.mjs';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.startsWith('file:')) return result;
  const patched = patchInkFile(fileURLToPath(url), String(result.source));
  return patched === undefined ? result : { ...result, source: patched };
}
