// Summarises a V8 `.cpuprofile` as self time per package: a bundled chunk's samples are mapped
// back through its source map to the node_modules package (or kirikae's src/ folder) they came
// from. Used by ui.bench.mjs for the first-frame profile.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const maps = new Map();
function sourceMapOf(url) {
  if (!url.startsWith('file://')) return undefined;
  if (!maps.has(url)) {
    const file = `${fileURLToPath(url)}.map`;
    maps.set(
      url,
      existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : undefined,
    );
  }
  return maps.get(url);
}

/** Who a sampled frame belongs to: a package, a src/ folder, node's own code or V8. */
function ownerOf({ url, functionName, lineNumber, columnNumber }) {
  if (!url) return functionName ? `(${functionName.replace(/[()]/g, '')})` : '(V8)';
  if (url.startsWith('node:')) return '(node: module loading, streams, …)';
  // The one WebAssembly module kirikae loads is Yoga, Ink's layout engine.
  if (url.startsWith('wasm://')) return 'yoga-layout (WebAssembly)';
  // A package's own file first (its source map points into the package's src/), else where a
  // bundled chunk's source map says the code came from.
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1];
  const source = sourceMapOf(url)?.findEntry(lineNumber, columnNumber)?.originalSource ?? url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1];
  const src = /\/src\/([^/]+)/.exec(source);
  if (src) return `kirikae src/${src[1]}`;
  return `(bundle glue) ${url.replace(/.*\//, '')}`;
}

/** [owner, ms][] sorted by self time, and the total sampled ms. */
export function selfTimeByOwner(profileFile) {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOwner = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const owner = ownerOf(nodes.get(id).callFrame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us / 1000);
    total += us / 1000;
  });
  return { rows: [...byOwner].sort((a, b) => b[1] - a[1]), total };
}
