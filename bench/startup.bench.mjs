// Start-up time of the built CLI against a bare `node -e 0` measured in the same run. Each round
// runs every case once (node, --version, --help), in an order that rotates from round to round,
// so a busy machine slows all of them alike and no case always runs first. Figures:
// - wall: the median of each case, with its quartiles (the spread), and the median over the
//   rounds of the round's own ratio to that round's bare node run (paired: load that drifts
//   over the run cancels out);
// - cpu (Linux): the children's user + system time from /proc/self/stat, per run; other
//   processes' load inflates it far less than wall time.
// Target: --version and --help ≤ 1.1× bare node. BENCH_RUNS (rounds, default 30); BENCH_BIN
// (another launcher, to compare two builds).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = process.env.BENCH_BIN
  ? resolve(process.env.BENCH_BIN)
  : fileURLToPath(new URL('../bin/kirikae.js', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);
const TARGET = 1.1;

/** User + system CPU ms of this process's finished children so far; undefined off Linux. */
function childrenCpuMs() {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces): cutime and cstime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round(q * (sorted.length - 1))];
};
const median = (values) => quantile(values, 0.5);

const cases = {
  'node -e 0': ['-e', '0'],
  'kirikae --version': [bin, '--version'],
  'kirikae --help': [bin, '--help'],
};
const names = Object.keys(cases);
const wall = Object.fromEntries(names.map((name) => [name, []]));
const cpu = Object.fromEntries(names.map((name) => [name, 0]));
for (const args of Object.values(cases)) time(args); // warm the file cache
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    const before = childrenCpuMs();
    wall[name].push(time(cases[name]));
    if (before !== undefined) cpu[name] += childrenCpuMs() - before;
  }
}

const bare = wall['node -e 0'];
console.log(
  `startup (${runs} rounds, each case once per round in a rotating order; wall medians with quartiles)`,
);
let over = false;
for (const name of names) {
  const values = wall[name];
  const spread = `(${quantile(values, 0.25).toFixed(1)}–${quantile(values, 0.75).toFixed(1)})`;
  let line = `  ${name.padEnd(18)} ${median(values).toFixed(1).padStart(7)} ms ${spread.padEnd(16)}`;
  const cpuMs = childrenCpuMs() === undefined ? undefined : cpu[name] / runs;
  if (cpuMs !== undefined) line += ` cpu ${cpuMs.toFixed(1).padStart(5)} ms`;
  if (name !== 'node -e 0') {
    const paired = values.map((ms, i) => ms / bare[i]);
    const ratio = median(paired);
    const cpuRatio = cpuMs === undefined ? undefined : cpu[name] / cpu['node -e 0'];
    line +=
      `   ${ratio.toFixed(2)}× bare node (paired rounds, quartiles ${quantile(paired, 0.25).toFixed(2)}–${quantile(paired, 0.75).toFixed(2)})` +
      (cpuRatio === undefined ? '' : `, cpu ${cpuRatio.toFixed(2)}×`) +
      ` (target ≤ ${TARGET.toFixed(2)}×)`;
    // CPU time is the fairer figure on a shared machine; wall time when there is none.
    if ((cpuRatio ?? ratio) > TARGET) over = true;
  }
  console.log(line);
}
console.log(`  --version and --help: ${over ? 'OVER' : 'ok'}`);
