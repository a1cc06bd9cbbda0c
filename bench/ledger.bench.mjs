// Ledger benchmarks: append latency, and a full month report over 100,000 records.
// Run: node --import tsx bench/ledger.bench.mjs [--records 100000]
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { sidecarFile } from '../src/ledger/checkpoint.js';
import { readCostsScreenData, readMonthSummary } from '../src/ledger/month.js';
import { costsScreenData } from '../src/ledger/screen.js';
import { MonthReportBuilder, monthReport } from '../src/ledger/reports.js';
import { monthFile, openLedger, readLedgerMonth, scanLedgerMonth } from '../src/ledger/store.js';
import { whatIfModel } from '../src/ledger/whatif.js';

const recordsArg = process.argv.indexOf('--records');
const RECORDS = recordsArg > 0 ? Number(process.argv[recordsArg + 1]) : 100_000;
const MONTH = '2026-03';
const NOW = new Date('2026-03-31T18:00:00Z');

// A realistic mix: mostly Sonnet and local turns, some Opus, Haiku, long context, unpriced.
const MODELS = [
  ['anthropic/claude-sonnet-4-6', 1, 0.4],
  ['ollama/qwen3-coder:30b', 3, 0.3],
  ['anthropic/claude-haiku-4-5', 2, 0.12],
  ['anthropic/claude-opus-4-6', 0, 0.08],
  ['anthropic/claude-sonnet-4-5', 1, 0.05],
  ['openrouter/acme/unpriced', 4, 0.05],
];
const TYPES = ['implement', 'bugfix', 'docs', 'quick-fix', 'review', 'debug', 'test'];

let seed = 7;
function random() {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}

function pickModel() {
  let r = random();
  for (const entry of MODELS) {
    if ((r -= entry[2]) <= 0) return entry;
  }
  return MODELS[0];
}

function record(i) {
  const day = 1 + (i % 31);
  const ts = new Date(Date.UTC(2026, 2, day, 8 + (i % 12), i % 60, i % 60)).toISOString();
  const task = `task-${Math.floor(i / 12)}`;
  const taskType = TYPES[Math.floor(i / 12) % TYPES.length];
  if (i % 12 === 11) {
    return {
      v: 1,
      type: 'task',
      ts,
      session: 's-bench',
      task,
      taskType,
      tier: 1,
      outcome: random() < 0.85 ? 'completed' : 'abandoned',
      attempts: 1 + (i % 3),
      models: ['anthropic/claude-sonnet-4-6'],
    };
  }
  if (i % 12 === 10) {
    return {
      v: 1,
      type: 'verify',
      ts,
      session: 's-bench',
      task,
      turn: i % 12,
      taskType,
      tier: 1,
      model: 'anthropic/claude-sonnet-4-6',
      command: 'npm test',
      passed: random() < 0.8,
      durationMs: 4000,
    };
  }
  const [model, tier] = pickModel();
  const input = Math.floor(random() * 20_000);
  const cacheRead = Math.floor(random() * 80_000);
  const cacheWrite = Math.floor(random() * 5_000);
  const output = Math.floor(random() * 3_000);
  const local = model.startsWith('ollama/');
  const unpriced = model.startsWith('openrouter/');
  return {
    v: 1,
    type: 'call',
    ts,
    session: 's-bench',
    task,
    turn: i % 12,
    taskType,
    tier,
    model,
    proposed: model,
    decision: 'accepted',
    fallbackHops: [],
    usage: {
      input,
      output,
      cacheRead: local ? 0 : cacheRead,
      cacheWrite: local ? 0 : cacheWrite,
      reasoning: 0,
    },
    costUsd: unpriced ? null : local ? 0 : (input * 3 + output * 15 + cacheRead * 0.3) / 1e6,
    priceSource: unpriced ? 'unknown' : local ? 'local' : 'catalog',
    priceVersion: 'genai-prices@0.1.8',
    durationMs: 500 + Math.floor(random() * 30_000),
    tokPerSec: 20 + random() * 80,
    outcome: random() < 0.97 ? 'ok' : 'error',
    estimate: { inputTokens: input + cacheRead, outputTokens: output, usdP50: 0.01, usdP90: 0.03 },
  };
}

function pct(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const root = mkdtempSync(join(tmpdir(), 'kirikae-ledger-bench-'));
const dir = join(root, 'ledger');
try {
  const ledger = openLedger(dir, { now: () => NOW });
  const times = new Array(RECORDS);
  for (let i = 0; i < RECORDS; i++) {
    const r = record(i);
    const t = performance.now();
    ledger.append(r);
    times[i] = performance.now() - t;
  }
  const sorted = times.sort((a, b) => a - b);
  const p50 = pct(sorted, 0.5);
  const p99 = pct(sorted, 0.99);
  const bytes = statSync(monthFile(dir, MONTH)).size;
  console.log(`ledger: ${RECORDS.toLocaleString('en-US')} records, ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(
    `  append (validate + encode + one O_APPEND write)  p50 ${(p50 * 1000).toFixed(1)} µs  p99 ${(p99 * 1000).toFixed(1)} µs  max ${(sorted.at(-1) * 1000).toFixed(0)} µs  (target < 1000 µs: ${p99 < 1 ? 'ok' : 'OVER'})`,
  );

  const cold = performance.now();
  ledger.monthSpend(MONTH);
  const coldMs = performance.now() - cold;
  // The guard asks before every paid turn: each ask after an append parses only the new line.
  const spendTimes = [];
  for (let i = 0; i < 200; i++) {
    ledger.append(record(RECORDS + i));
    const t = performance.now();
    ledger.monthSpend(MONTH);
    spendTimes.push(performance.now() - t);
  }
  const warmMs = pct(
    spendTimes.sort((a, b) => a - b),
    0.5,
  );
  ledger.close();
  // A torn line and a record that fails the schema: both must be skipped and counted below.
  appendFileSync(
    monthFile(dir, MONTH),
    `{"v":1,"type":"call","ts":"2026-03-3\n${JSON.stringify({ ...record(0), costUsd: 'free' })}\n`,
  );
  console.log(
    `  monthSpend (budget guard)  first ${coldMs.toFixed(0)} ms, then p50 ${(warmMs * 1000).toFixed(0)} µs per call after an append`,
  );

  const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const cpuMs = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  // Wall time of `fn`, and CPU time of the process (every thread: the collector's helpers and
  // the file reads included), which other load on the machine inflates far less.
  const timed = async (fn) => {
    const cpu = cpuMs();
    const t0 = performance.now();
    const value = await fn();
    return { wall: performance.now() - t0, cpu: cpuMs() - cpu, value };
  };
  const threeRuns = async (fn) => [await timed(fn), await timed(fn), await timed(fn)];
  const options = { month: MONTH, now: NOW, budgetUsd: 200 };

  // Streamed, as `kirikae costs` reads a month: each record is folded into the report and the
  // what-if as it is parsed, and no array of records is built. The fold over the file's first
  // bytes is kept in a sidecar (`<month>.summary.fold`) and the next read parses only what was
  // appended since. "Cold" runs delete the sidecar first (the first report of a month, or after
  // the file changed under it): a full read that writes a new one. "Warm" runs find it with
  // records appended after it, as a day of use leaves them. The first run pays for compiling the
  // report code (a one-shot CLI always does); the read cut short shows where the time goes.
  const summarySidecar = sidecarFile(dir, MONTH, 'summary');
  const firstRun = await timed(() => readMonthSummary(dir, options));
  const parseOnly = await threeRuns(() => scanLedgerMonth(dir, MONTH, () => {}));
  const withReport = await threeRuns(async () => {
    const builder = new MonthReportBuilder(options);
    await scanLedgerMonth(dir, MONTH, (record) => builder.add(record));
    return builder.build();
  });
  const coldRuns = await threeRuns(() => {
    rmSync(summarySidecar, { force: true });
    return readMonthSummary(dir, options);
  });
  // 150 records (~75 kB) appended before each warm run, by this process's ledger.
  const TAIL = 150;
  const appender = openLedger(dir, { now: () => NOW });
  let next = RECORDS + 200;
  const streamed = [];
  for (let run = 0; run < 3; run++) {
    for (let i = 0; i < TAIL; i++) appender.append(record(next++));
    streamed.push(await timed(() => readMonthSummary(dir, options)));
  }
  appender.close();
  const sidecarBytes = statSync(summarySidecar).size;
  const wallOf = (runs) => median(runs.map((r) => r.wall));
  const cpuOf = (runs) => median(runs.map((r) => r.cpu));

  // Through a records array: readLedgerMonth → monthReport → whatIfModel, phase by phase.
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const { records, skipped } = await readLedgerMonth(dir, MONTH);
    const t1 = performance.now();
    const report = monthReport(records, options);
    const t2 = performance.now();
    const whatif = whatIfModel(records.filter((r) => r.type === 'call'));
    const t3 = performance.now();
    runs.push({
      read: t1 - t0,
      reportMs: t2 - t1,
      whatifMs: t3 - t2,
      total: t3 - t0,
      skipped,
      report,
      whatif,
    });
  }
  const best = runs.reduce((a, b) => (b.total < a.total ? b : a));
  // The last warm run saw every append so far, as the records array below does.
  const summary = streamed.at(-1).value;
  const same =
    isDeepStrictEqual(summary.report, best.report) &&
    isDeepStrictEqual(summary.whatIf, best.whatif) &&
    summary.skipped === best.skipped;
  const streamMs = wallOf(streamed);
  // References measured in this run, so the figures hold on a loaded machine: a bare read and
  // JSON.parse of every line of the same file (no validation, no report), and a bare node start.
  const bareParse = await threeRuns(() => {
    const text = readFileSync(monthFile(dir, MONTH), 'utf8');
    let n = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        JSON.parse(line);
        n += 1;
      } catch {
        // the torn line
      }
    }
    return n;
  });
  const nodeStart = [0, 1, 2].map(() => {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t0;
  });
  const parseMs = wallOf(bareParse);
  const nodeMs = median(nodeStart);
  // 300 ms on this machine idle, where the bare parse takes ~200 ms: 1.5× the parse.
  const RATIO_TARGET = 1.5;
  const ratio = streamMs / parseMs;
  console.log(
    `  references (medians of 3)  bare read + JSON.parse of every line ${parseMs.toFixed(0)} ms (cpu ${cpuOf(bareParse).toFixed(0)} ms), node -e 0 ${nodeMs.toFixed(0)} ms`,
  );
  // CPU time is what another process's load inflates least: the fairer ratio on a busy machine.
  const cpuRatio = cpuOf(streamed) / cpuOf(bareParse);
  console.log(
    `  month report (warm) / bare parse  wall ${ratio.toFixed(2)}×, cpu ${cpuRatio.toFixed(2)}×  (target ≤ ${RATIO_TARGET}×: ${Math.min(ratio, cpuRatio) <= RATIO_TARGET ? 'ok' : 'OVER'}); / node start ${(streamMs / nodeMs).toFixed(1)}×`,
  );
  console.log(
    `  month report, warm (readMonthSummary: sidecar + ${TAIL} records appended since)  median ${streamMs.toFixed(0)} ms of 3 (${streamed.map((r) => r.wall.toFixed(0)).join(', ')}), cpu ${cpuOf(streamed).toFixed(0)} ms  (target < 300 ms: ${streamMs < 300 ? 'ok' : 'OVER'}; same figures as the records array: ${same ? 'yes' : 'NO'}); sidecar ${(sidecarBytes / 1e6).toFixed(1)} MB`,
  );
  const coldReportMs = wallOf(coldRuns);
  console.log(
    `  month report, cold (no sidecar: full read, writes one)  median ${coldReportMs.toFixed(0)} ms of 3 (cpu ${cpuOf(coldRuns).toFixed(0)} ms), ${(coldReportMs / parseMs).toFixed(2)}× the bare parse, first run ${firstRun.wall.toFixed(0)} ms`,
  );
  console.log(
    `    where the cold time goes (medians of 3)  read+parse+validate alone ${wallOf(parseOnly).toFixed(0)} ms (cpu ${cpuOf(parseOnly).toFixed(0)}), with the reports ${wallOf(withReport).toFixed(0)} ms, with the what-if and the sidecar written ${coldReportMs.toFixed(0)} ms`,
  );
  console.log(
    `  month report, records array (readLedgerMonth → monthReport → whatIfModel)  median ${median(runs.map((r) => r.total)).toFixed(0)} ms, best ${best.total.toFixed(0)} ms: read+parse+validate ${best.read.toFixed(0)} ms, reports ${best.reportMs.toFixed(0)} ms, what-if vs Opus ${best.whatifMs.toFixed(0)} ms`,
  );
  const screenOptions = { month: MONTH, by: 'tier', budgetUsd: 200, now: NOW };
  const t = performance.now();
  const { records } = await readLedgerMonth(dir, MONTH);
  costsScreenData(records, screenOptions);
  const screenArrayMs = performance.now() - t;
  // What the screen's port calls (readCostsScreenData): streamed, every grouping and the
  // delegation books in one read, from the month report's own sidecar: once cold, then warm
  // after each append, as the month report above.
  const screenCold = await timed(() => {
    rmSync(summarySidecar, { force: true });
    return readCostsScreenData(dir, screenOptions);
  });
  const screenAppender = openLedger(dir, { now: () => NOW });
  const screen = [];
  for (let run = 0; run < 3; run++) {
    for (let i = 0; i < TAIL; i++) screenAppender.append(record(next++));
    screen.push(await timed(() => readCostsScreenData(dir, screenOptions)));
  }
  screenAppender.close();
  const screenMs = wallOf(screen);
  const screenRatio = screenMs / parseMs;
  // The target: the screen opens in the month report's time (same run, same appends).
  const vsReport = screenMs / streamMs;
  const cpuVsReport = cpuOf(screen) / cpuOf(streamed);
  console.log(
    `  costs screen opens (readCostsScreenData, warm)  median ${screenMs.toFixed(0)} ms of 3 (${screen.map((r) => r.wall.toFixed(0)).join(', ')}), cpu ${cpuOf(screen).toFixed(0)} ms: ${vsReport.toFixed(2)}× the warm month report (cpu ${cpuVsReport.toFixed(2)}×: the delegation books on top); ${screenRatio.toFixed(2)}× the bare parse (target ≤ ${RATIO_TARGET}×: ${screenRatio <= RATIO_TARGET ? 'ok' : 'OVER'}), < 300 ms: ${screenMs < 300 ? 'ok' : 'OVER'}; cold ${screenCold.wall.toFixed(0)} ms (${(screenCold.wall / parseMs).toFixed(2)}×); through a records array ${screenArrayMs.toFixed(0)} ms`,
  );
  console.log(
    `  sanity: $${best.report.totals.usd.toFixed(2)} spent, ${best.report.totals.unknown.calls} unpriced calls, saved ${best.whatif.savedPct?.toFixed(1)}% vs Opus, ${best.skipped} skipped`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
