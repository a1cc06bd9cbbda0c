// Start-up time of the built CLI against a bare `node -e 0` measured in the same run: the runs
// are interleaved (node, --version, --help, node, ...) so a busy machine slows all three alike,
// and the figure that counts is the ratio of the medians. Target: both ≤ 1.1× bare node.
// BENCH_RUNS (default 15); BENCH_BIN (another launcher, to compare two builds).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = process.env.BENCH_BIN
  ? resolve(process.env.BENCH_BIN)
  : fileURLToPath(new URL('../bin/kirikae.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cases = {
  'node -e 0': ['-e', '0'],
  'kirikae --version': [bin, '--version'],
  'kirikae --help': [bin, '--help'],
};
const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const args of Object.values(cases)) time(args); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) times[name].push(time(args));
}
const bare = median(times['node -e 0']);
console.log('startup (interleaved, median of %d runs each)', runs);
for (const [name, values] of Object.entries(times)) {
  const ratio = median(values) / bare;
  const target = name === 'node -e 0' ? '' : `   ${ratio.toFixed(2)}× bare node (target ≤ 1.10×)`;
  console.log(`  ${name.padEnd(18)} ${median(values).toFixed(1).padStart(7)} ms${target}`);
}
