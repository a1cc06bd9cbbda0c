// Start-up time of the built CLI: `kirikae --version` must not load Ink, React or the SDKs.
// Median of several runs, measured as wall time of a fresh node process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/kirikae.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`kirikae ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const baseline = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0']);
  baseline.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const version = [];
const help = [];
time(['--version']); // warm the file cache
for (let i = 0; i < runs; i++) {
  version.push(time(['--version']));
  help.push(time(['--help']));
}
console.log('startup (median of %d runs)', runs);
console.log('  node -e 0          %s ms', median(baseline).toFixed(1));
console.log('  kirikae --version  %s ms   (target < 150 ms)', median(version).toFixed(1));
console.log('  kirikae --help     %s ms', median(help).toFixed(1));
