// UI benchmarks (run by `npm run bench`, as `node --import tsx bench/ui.bench.mjs`):
//  (a) launch → first frame of the built app in a real terminal (tmux), median of several runs;
//  (b) CPU used while a 20,000-token answer streams through the real Session into the real
//      App, at 200 tok/s and at full speed, with the frames per second Ink drew;
//  (c) heap and RSS after 500 finished turns in the transcript (run before (b));
//  (d) route card: a tier key pressed → the new card's frame written.
// Figures only, no pass/fail: each line prints its target next to it.
//
// Environment: BENCH_RUNS (launch runs, default 7), BENCH_UI_TOKENS (answer length, default
// 20000), BENCH_UI_RATE (tok/s, default 200), BENCH_UI_TURNS (default 500), BENCH_UI_ONLY
// (a comma list of launch, stream, memory, keys), BENCH_UI_KEYS (key presses, default 30).
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setImmediate, setTimeout } from 'node:timers';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { register } from 'node:module';
import { selfTimeByOwner } from './cpu-profile.mjs';

// Ink as the build ships it: its output caches kept across frames (scripts/ink-output-cache.mjs).
// BENCH_UI_INK_CACHE=0 measures Ink as published, to compare.
if (process.env.BENCH_UI_INK_CACHE !== '0')
  register('./ink-output-cache-hook.mjs', import.meta.url);

// Ink renders differently (no live redraws) when it believes it runs in CI: this measures the
// interactive path, so the variables are cleared before Ink is imported.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
// The shipped bundle is built with NODE_ENV=production (scripts/build.mjs): React's development
// build does several times the work per render, so it is not what a user runs.
process.env.NODE_ENV = 'production';
// A terminal shows colours, and styled text is most of Ink's work per frame: measure with them,
// whether or not this benchmark's own output goes to a terminal.
process.env.FORCE_COLOR ??= '3';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TOKENS = Number(process.env.BENCH_UI_TOKENS ?? 20_000);
const RATE = Number(process.env.BENCH_UI_RATE ?? 200);
const TURNS = Number(process.env.BENCH_UI_TURNS ?? 500);
const ONLY = (process.env.BENCH_UI_ONLY ?? 'launch,stream,memory,keys').split(',');
// Variants to compare, not defaults: a lower frame rate (Ink's maxFps and the controller's
// coalescing together) and Ink's incremental rendering (rewrites only the lines that changed).
const FPS = Number(process.env.BENCH_UI_FPS ?? 30);
const INCREMENTAL = process.env.BENCH_UI_INCREMENTAL === '1';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};
const mb = (bytes) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

// ── (a) launch to first frame ────────────────────────────────────────────────────────────

function hasTmux() {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The RSS of `pid` or of its first node descendant (tmux runs the command through a shell). */
function rssOfNode(pid) {
  const ps = (...args) => execFileSync('ps', args, { encoding: 'utf8' }).trim();
  for (let depth = 0; depth < 4 && pid; depth++) {
    if (/node/.test(ps('-o', 'comm=', '-p', String(pid)))) {
      return Number(ps('-o', 'rss=', '-p', String(pid))) * 1024;
    }
    pid = Number(execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n')[0]);
  }
  return undefined;
}

/**
 * How to start Claude Code when `@anthropic-ai/claude-code` is installed next to kirikae: its
 * native binary (2.x installs one as bin/claude.exe), else the JavaScript CLI of older versions.
 * It runs with a home of its own, onboarding done, this folder trusted and a key approved, so it
 * goes straight to its prompt; the key's endpoint is a closed port, so nothing is sent anywhere.
 */
function claudeCode(home) {
  const dir = join(root, 'node_modules/@anthropic-ai/claude-code');
  const key = 'bench-no-network-key';
  const claudeEnv = [
    `HOME=${home}`,
    `ANTHROPIC_API_KEY=${key}`,
    'ANTHROPIC_BASE_URL=http://127.0.0.1:9',
    'DISABLE_TELEMETRY=1',
    'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1',
  ];
  let program;
  const native = join(dir, 'bin/claude.exe');
  if (existsSync(native) && readFileSync(native).subarray(0, 4).toString('latin1') === '\x7fELF')
    program = [native];
  for (const file of ['cli.js', 'cli.mjs'])
    if (!program && existsSync(join(dir, file))) program = [process.execPath, join(dir, file)];
  if (!program) return undefined;
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      // Claude Code keeps the last 20 characters of an approved key.
      customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
      projects: { [root.replace(/\/$/, '')]: { hasTrustDialogAccepted: true } },
    }),
  );
  return [...claudeEnv, ...program];
}

async function launchToFirstFrame() {
  console.log('\n(a) launch → first frame (`node bin/kirikae.js` in tmux 100×30)');
  if (!existsSync(join(root, 'dist/cli.js'))) {
    console.log('  skipped: dist/cli.js is missing (npm run build)');
    return;
  }
  if (!hasTmux()) {
    console.log('  skipped: tmux is not installed');
    return;
  }
  const dirs = mkdtempSync(join(tmpdir(), 'kirikae-ui-bench-'));
  // A private tmux server, started before the clock, so its start-up is not counted.
  const socket = `kirikae-ui-bench-${process.pid}`;
  const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'idle', '-x', '100', '-y', '30');
  const env = {
    KIRIKAE_CONFIG_DIR: join(dirs, 'config'),
    KIRIKAE_DATA_DIR: join(dirs, 'data'),
    // Port 9 (discard) is closed: Ollama is "not running", as on a machine without it.
    OLLAMA_HOST: '127.0.0.1:9',
    TERM: 'xterm-256color',
  };
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  // Blank cloud keys, so no developer key reaches the app and nothing is sent anywhere.
  const blank = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'DEEPSEEK_API_KEY'];
  const command = (program) =>
    ['env', ...blank.flatMap((k) => ['-u', k]), ...envArgs, ...program]
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
      .join(' ');

  /**
   * Starts `program` in a new 100×30 session and polls the pane every ~5 ms until `done`;
   * `keep` leaves the session running (the caller kills it).
   */
  async function time(name, program, done, keep = false) {
    const started = process.hrtime.bigint();
    tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', '-c', root, command(program));
    const deadline = Date.now() + 15_000;
    let screen;
    for (;;) {
      try {
        screen = tmux('capture-pane', '-p', '-t', name);
      } catch {
        screen = ''; // the pane may not exist for the first millisecond
      }
      if (done(screen)) break;
      if (Date.now() > deadline) {
        tmux('kill-session', '-t', name);
        throw new Error(`no first frame after 15 s; screen:\n${screen}`);
      }
      await sleep(5);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!keep) tmux('kill-session', '-t', name);
    return ms;
  }

  const kirikae = [process.execPath, 'bin/kirikae.js'];
  const inputBox = (s) => s.includes('Type a prompt');
  // The floor: tmux, a node process that prints at once, and this polling loop.
  const floorProgram = [
    process.execPath,
    '-e',
    'console.log("ready"); setInterval(() => {}, 1000)',
  ];
  const ready = (s) => s.includes('ready');
  const claudeHome = join(dirs, 'claude-home');
  mkdirSync(claudeHome);
  const claude = claudeCode(claudeHome);
  // Claude Code's idle prompt shows its shortcut or mode hint under the input box.
  const claudeReady = (s) => /\? for shortcuts|Try "|⏵⏵ /.test(s);
  try {
    await time('warm', kirikae, inputBox);
    if (claude) await time('claude-warm', claude, claudeReady);
    // Interleaved, so a machine that gets busier part-way slows every program alike.
    const floor = [];
    const app = [];
    const peer = [];
    for (let i = 0; i < RUNS; i++) {
      floor.push(await time(`floor${i}`, floorProgram, ready));
      app.push(await time(`app${i}`, kirikae, inputBox));
      if (claude) peer.push(await time(`claude${i}`, claude, claudeReady));
    }
    const bare = median(floor);
    const ratio = (values) => `${(median(values) / bare).toFixed(2)}× bare node`;
    console.log(`  runs: ${RUNS} each, interleaved (after one warm-up run)`);
    console.log(`  node -e (print at once)      median ${bare.toFixed(0)} ms`);
    console.log(
      `  kirikae → input box drawn    median ${median(app).toFixed(0)} ms = ${ratio(app)}   (target ≤ 3×)` +
        `   min ${Math.min(...app).toFixed(0)}  max ${Math.max(...app).toFixed(0)}`,
    );
    if (claude) {
      console.log(
        `  Claude Code → prompt drawn   median ${median(peer).toFixed(0)} ms = ${ratio(peer)}` +
          `; kirikae / Claude Code = ${(median(app) / median(peer)).toFixed(2)}   (aim ≤ 0.67)`,
      );
    } else {
      console.log(
        '  Claude Code: skipped (@anthropic-ai/claude-code is not installed; add it as a dev dependency to compare)',
      );
    }

    // Idle memory: the whole process 10 s after the first frame, nothing typed.
    await time('rss', kirikae, inputBox, true);
    await sleep(10_000);
    const rss = rssOfNode(Number(tmux('display-message', '-p', '-t', 'rss', '#{pane_pid}')));
    tmux('kill-session', '-t', 'rss');
    console.log(
      `  idle RSS 10 s after start    ${rss === undefined ? 'unknown (no node process found)' : mb(rss)}   (target ≤ 110 MB)`,
    );

    // Where the first frame's CPU goes: one run under --cpu-prof, stopped at the first frame.
    const profiles = join(dirs, 'profiles');
    const probe = fileURLToPath(new URL('./first-frame-probe.mjs', import.meta.url));
    const log = join(dirs, 'first-frame.log');
    const profiled = [
      process.execPath,
      '--cpu-prof',
      `--cpu-prof-dir=${profiles}`,
      '--import',
      probe,
    ];
    tmux(
      'new-session',
      '-d',
      '-s',
      'prof',
      '-x',
      '100',
      '-y',
      '30',
      '-c',
      root,
      `${command([...profiled, 'bin/kirikae.js'])} 2>${log}`,
    );
    const deadline = Date.now() + 15_000;
    while (!(existsSync(profiles) && readdirSync(profiles).length) && Date.now() < deadline)
      await sleep(50);
    await sleep(200); // the profile is written as the process exits
    const file = existsSync(profiles) ? readdirSync(profiles)[0] : undefined;
    if (file) {
      const [, at, cpu] = readFileSync(log, 'utf8').match(/first-frame ([\d.]+) ([\d.]+)/) ?? [];
      const { rows, total } = selfTimeByOwner(join(profiles, file));
      console.log(
        `  first-frame profile (--cpu-prof, one run${at ? `: frame at ${at} ms, ${cpu} ms CPU` : ''}), self time by package:`,
      );
      for (const [owner, ms] of rows.slice(0, 14)) {
        console.log(
          `    ${ms.toFixed(1).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${owner}`,
        );
      }
    } else {
      console.log('  first-frame profile: none written');
    }
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
    rmSync(dirs, { recursive: true, force: true });
  }
}

// ── shared: the real App in a fake 100×30 TTY ─────────────────────────────────────────────

class FakeTty extends EventEmitter {
  columns = 100;
  rows = 30;
  isTTY = true;
  writes = 0;
  bytes = 0;
  /** performance.now() of the last write: when a frame's bytes reached the terminal. */
  lastWriteAt = 0;
  write(chunk) {
    this.writes++;
    this.bytes += chunk.length;
    this.lastWriteAt = performance.now();
    return true;
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  pending = null;
  /** One key press: Ink reads stdin on 'readable'. */
  write(data) {
    this.pending = data;
    this.emit('readable');
  }
  read() {
    const data = this.pending;
    this.pending = null;
    return data;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

async function mountApp(controller) {
  const React = (await import('react')).default;
  const { render } = await import('ink');
  const { App } = await import('../src/ui/app.tsx');
  const { buildKeymap } = await import('../src/ui/keymap.ts');
  const stdout = new FakeTty();
  const stdin = new FakeStdin();
  const frames = [];
  // The options of src/ui/render.tsx (maxFps 30), with fake streams.
  const instance = render(
    React.createElement(App, { controller, keymap: buildKeymap(), env: {} }),
    {
      stdout,
      stdin,
      stderr: new FakeTty(),
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: FPS,
      incrementalRendering: INCREMENTAL,
      onRender: ({ renderTime }) => frames.push({ at: performance.now(), renderTime }),
    },
  );
  return { instance, stdout, stdin, frames };
}

// ── (b) CPU while an answer streams ───────────────────────────────────────────────────────

/** A markdown answer of about `tokens` tokens (4 characters each, as the controller counts). */
function answerText(tokens) {
  const paragraphs = [
    'The parser drops the offset because `new Date(s)` reads the string in local time when it has no zone designator, so the fix keeps the offset from the ISO string and applies it explicitly.\n\n',
    '```ts\nexport function parseIso(text: string): Date {\n  const match = /([+-]\\d{2}):(\\d{2})$/.exec(text);\n  const offset = match ? Number(match[1]) * 60 + Number(match[2]) : 0;\n  return new Date(Date.parse(text) - offset * 60_000); // keeps the +09:00 offset\n}\n```\n\n',
    '- the leap day 2024-02-29 now parses in every zone\n- the test fixture covers +09:00 and -05:00\n- no other caller depends on the old behaviour\n\n',
  ];
  let text = '';
  for (let i = 0; text.length < tokens * 4; i++) text += paragraphs[i % paragraphs.length];
  return text.slice(0, tokens * 4);
}

/** A provider that streams `text` at `rate` tok/s (Infinity: as fast as the event loop turns). */
function streamingProvider(text, rate) {
  return {
    id: 'anthropic',
    async *stream(_request, signal) {
      const started = performance.now();
      const tokens = Math.ceil(text.length / 4);
      let sent = 0;
      while (sent < tokens) {
        if (signal?.aborted) break;
        if (Number.isFinite(rate)) {
          await sleep(5);
          const due = Math.min(tokens, Math.floor(((performance.now() - started) / 1000) * rate));
          if (due <= sent) continue;
          yield { type: 'text', text: text.slice(sent * 4, due * 4) };
          sent = due;
        } else {
          // One token per event, and a turn of the event loop between events, as from a socket.
          await new Promise((resolve) => setImmediate(resolve));
          yield { type: 'text', text: text.slice(sent * 4, sent * 4 + 4) };
          sent++;
        }
      }
      const durationMs = performance.now() - started;
      yield {
        type: 'usage',
        usage: { input: 1_200, output: tokens, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      };
      yield {
        type: 'done',
        stopReason: 'end_turn',
        metrics: { durationMs, tokPerSec: tokens / (durationMs / 1000) },
      };
    },
  };
}

/**
 * One streamed turn; `ui: false` runs the same controller and provider with no App mounted, the
 * baseline that the UI's share is measured against. Returns the CPU seconds and wall time.
 */
async function streamRun(label, rate, text, { ui = true } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'kirikae-ui-bench-'));
  const provider = streamingProvider(text, rate);
  const { core, session: controller } = await benchSession(cwd, provider);
  controller.setModelOverride('anthropic/claude-sonnet-4-6', 'session');
  controller.start();
  const mounted = ui ? await mountApp(controller) : undefined;
  const stdout = mounted?.stdout ?? new FakeTty();
  const frames = mounted?.frames ?? [];
  await sleep(100);

  const framesBefore = frames.length;
  const writesBefore = stdout.writes;
  const bytesBefore = stdout.bytes;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  controller.submit('Why does parseDate fail on 2024-02-29T00:00:00+09:00? Fix it.');
  // The route card (unless the override skipped it), accepted at once.
  if (controller.getState().proposal) controller.acceptRoute();
  // Wait for the turn to finish: live set, then cleared.
  while (!controller.getState().live) await sleep(1);
  while (controller.getState().live) await sleep(5);
  await sleep(50); // the last frame
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const drawn = frames.slice(framesBefore);
  // Frames in the busiest one-second window, and the shortest gap between two frames.
  let peak = 0;
  for (let i = 0, j = 0; i < drawn.length; i++) {
    while (drawn[i].at - drawn[j].at > 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const gaps = drawn.slice(1).map((f, i) => f.at - drawn[i].at);
  const state = controller.getState();
  const answer = state.transcript.filter((t) => t.kind === 'assistant');
  const turn = state.transcript.find((t) => t.kind === 'turn');
  if (turn?.outcome !== 'ok' || answer.map((a) => a.text).join('') !== text) {
    const last = state.transcript.filter((t) => t.kind === 'notice').at(-1);
    console.log(
      `  warning: the turn did not end as expected (${turn?.outcome}; ${last?.text ?? ''})`,
    );
  }
  controller.stop();
  core.close();
  mounted?.instance.unmount();
  mounted?.instance.cleanup();
  rmSync(cwd, { recursive: true, force: true });
  const renderTimes = drawn.map((f) => f.renderTime);
  const tokens = Math.ceil(text.length / 4);
  const share = (seconds) => `${((seconds / wall) * 100).toFixed(1)} % of one core`;
  console.log(`  ${label}`);
  console.log(
    `    ${tokens.toLocaleString('en-US')} tokens in ${wall.toFixed(1)} s (${(tokens / wall).toFixed(0)} tok/s)`,
  );
  if (!ui) {
    console.log(`    CPU ${cpuSeconds.toFixed(2)} s = ${share(cpuSeconds)}`);
    return { cpuSeconds, wall };
  }
  console.log(`    CPU, whole process: ${cpuSeconds.toFixed(2)} s = ${share(cpuSeconds)}`);
  if (baseline && Number.isFinite(rate)) {
    const uiSeconds = cpuSeconds - baseline.cpuSeconds * (wall / baseline.wall);
    console.log(
      `    CPU, the UI (minus the run without it): ${uiSeconds.toFixed(2)} s = ${share(uiSeconds)}   (target ≤ 12 %)`,
    );
  }
  console.log(
    `    frames ${drawn.length}: ${(drawn.length / wall).toFixed(1)}/s, busiest second ${peak}   (target ≤ 30/s)` +
      `   gap between frames: min ${gaps.length ? Math.min(...gaps).toFixed(0) : '-'} ms, median ${gaps.length ? median(gaps).toFixed(0) : '-'} ms` +
      `   stdout: ${stdout.writes - writesBefore} writes, ${mb(stdout.bytes - bytesBefore)}`,
  );
  console.log(
    `    Ink render per frame: median ${median(renderTimes).toFixed(2)} ms, p95 ${percentile(renderTimes, 0.95).toFixed(2)} ms, max ${Math.max(...renderTimes).toFixed(2)} ms`,
  );
  return { cpuSeconds, wall };
}

let baseline;

async function streaming() {
  console.log(
    `\n(b) streaming a ${TOKENS.toLocaleString('en-US')}-token answer through the real Session (wiring/build.ts) into the real App (fake TTY 100×30, maxFps ${FPS}${INCREMENTAL ? ', incremental rendering' : ''}, colours on)`,
  );
  const text = answerText(TOKENS);
  // Warm-up: load and JIT the modules on a short answer first (its figures are printed too).
  await streamRun('warm-up, 500 tokens', Number.POSITIVE_INFINITY, answerText(500));
  baseline = await streamRun(
    `at ${RATE} tok/s without the UI (session and provider only)`,
    RATE,
    text,
    {
      ui: false,
    },
  );
  await streamRun(`at ${RATE} tok/s`, RATE, text);
  await streamRun('at full speed (one token per event-loop turn)', Number.POSITIVE_INFINITY, text);
}

// ── (d) route card: key press → new card drawn ────────────────────────────────────────────

/**
 * The real core and session (wiring/build.ts, as the screen builds them) in temp folders, with
 * a key set so the cloud route is open; `provider`, when given, answers every cloud call.
 */
async function benchSession(cwd, provider) {
  const { buildCore, buildSession } = await import('../src/wiring/build.ts');
  const core = buildCore({
    env: {
      KIRIKAE_CONFIG_DIR: join(cwd, 'config'),
      KIRIKAE_DATA_DIR: join(cwd, 'data'),
      OLLAMA_HOST: '127.0.0.1:9',
      ANTHROPIC_API_KEY: 'bench-no-network',
    },
    cwd,
    writeLedger: false,
    sessionId: 'bench',
    notice: () => {},
  });
  if (provider) core.runner.providerFor = () => provider;
  const GB = 1024 ** 3;
  core.setMemory({
    totalBytes: 36 * GB,
    usedBytes: 20 * GB,
    availableBytes: 16 * GB,
    wiredBytes: 3 * GB,
    compressedBytes: 0,
    cachedBytes: 4 * GB,
    freeBytes: 12 * GB,
    pressure: 'normal',
    swapUsedBytes: 0,
    swapTotalBytes: 0,
    gpuWiredLimitBytes: 27 * GB,
    gpuWiredLimitDefaulted: true,
    takenAt: Date.now(),
  });
  return { core, session: buildSession(core, { sessionId: 'bench' }) };
}

/** Where the CPU of `presses()` went: self time per package (bench/cpu-profile.mjs). */
async function profiled(presses) {
  const { Session } = await import('node:inspector/promises');
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  await presses();
  const { profile } = await inspector.post('Profiler.stop');
  inspector.disconnect();
  const file = join(tmpdir(), `kirikae-keys-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  try {
    return selfTimeByOwner(file);
  } finally {
    rmSync(file, { force: true });
  }
}

async function routeCardKeys() {
  const presses = Number(process.env.BENCH_UI_KEYS ?? 30);
  const warmUp = 10; // presses before the measured ones: the first frames run cold (unoptimised) code
  console.log(
    `\n(d) route card: a tier key (1 / 2, alternately) → the new card's frame written (real Session and App, fake TTY, ${presses} presses)`,
  );
  const cwd = mkdtempSync(join(tmpdir(), 'kirikae-ui-bench-'));
  const { core, session } = await benchSession(cwd);
  session.start();
  const { instance, stdin, stdout, frames } = await mountApp(session);
  session.submit('Why does parseDate fail on 2024-02-29T00:00:00+09:00? Fix it.');
  const deadline = Date.now() + 10_000;
  while (!session.getState().proposal && Date.now() < deadline) await sleep(10);
  // One press: the key's byte into stdin (Ink's own reading and parsing, the session's
  // selectTier, React, Ink's layout, render and log-update) until the frame's last byte is
  // written to the terminal. Undefined when no new card was written.
  const press = async (i) => {
    await sleep(120); // idle, so Ink's frame throttle does not hold the frame back
    const before = frames.length;
    const writes = stdout.writes;
    const selected = session.getState().proposal?.selected;
    const t0 = performance.now();
    stdin.write(i % 2 ? '1' : '2');
    while ((frames.length === before || stdout.writes === writes) && performance.now() - t0 < 2_000)
      await sleep(0);
    if (stdout.writes === writes || session.getState().proposal?.selected === selected)
      return undefined;
    return stdout.lastWriteAt - t0;
  };
  if (!session.getState().proposal) {
    console.log('  skipped: no route card appeared');
  } else {
    const latencies = [];
    for (let i = 0; i < presses + warmUp; i++) {
      const ms = await press(i);
      if (i >= warmUp && ms !== undefined) latencies.push(ms);
    }
    if (latencies.length) {
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(
        `  key → frame written: median ${median(latencies).toFixed(1)} ms (quartiles ${percentile(sorted, 0.25).toFixed(1)}–${percentile(sorted, 0.75).toFixed(1)}), p95 ${percentile(latencies, 0.95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms   (target < 16 ms)`,
      );
      // Then the same presses under the profiler (slower, so not the figure above).
      const { rows, total } = await profiled(async () => {
        for (let i = 0; i < presses; i++) await press(i);
      });
      // (dispatch) is the inspector itself answering Profiler.start/stop.
      const busy = rows.filter(([owner]) => !['(idle)', '(program)', '(dispatch)'].includes(owner));
      const busyMs = busy.reduce((sum, [, ms]) => sum + ms, 0);
      console.log(
        `  where a press's CPU goes (profiled, ${(busyMs / presses).toFixed(1)} ms of CPU per press, ${total.toFixed(0)} ms sampled): ` +
          busy
            .slice(0, 8)
            .map(([owner, ms]) => `${owner} ${((100 * ms) / busyMs).toFixed(0)} %`)
            .join(', '),
      );
    } else {
      console.log('  no key press changed the card (is tier 1 or 2 available?)');
    }
  }
  session.stop();
  core.close();
  instance.unmount();
  instance.cleanup();
  rmSync(cwd, { recursive: true, force: true });
}

// ── (c) memory after many turns ───────────────────────────────────────────────────────────

function fakeController() {
  let state = {
    folder: root,
    branch: 'main',
    screen: 'chat',
    transcript: [],
    status: {
      memory: { usedBytes: 20 * 1024 ** 3, totalBytes: 36 * 1024 ** 3, pressure: 'normal' },
      resident: [],
      tokPerSec: [],
      sessionUsd: 0,
      monthUsd: 0,
      budgetUsd: 200,
    },
    setupProblems: [],
    themeName: 'dark',
    clearEpoch: 0,
    now: Date.now(),
    exiting: false,
  };
  const listeners = new Set();
  const noop = () => {};
  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(patch) {
      state = { ...state, ...patch };
      for (const listener of listeners) listener();
    },
    submit: noop,
    acceptRoute: noop,
    selectTier: noop,
    cycleModel: noop,
    alwaysRoute: noop,
    cancelRoute: () => undefined,
    interrupt: noop,
    answerApproval: noop,
    setScreen: noop,
    setModelOverride: noop,
    setTierOverride: noop,
    setAutoAccept: noop,
    explainLastRoute: noop,
    newTask: noop,
    doneTask: noop,
    clearTranscript: noop,
    setTheme: noop,
    setBudget: noop,
    notify: noop,
    quit: noop,
  };
}

async function memory() {
  console.log(`\n(c) memory after ${TURNS} finished turns in the transcript (real App, fake TTY)`);
  const controller = fakeController();
  const { instance, frames } = await mountApp(controller);
  const answer = answerText(400); // a 400-token answer with a code block
  // A full collection before each reading, so the figures are live memory, not garbage.
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  await sleep(50);
  gc();
  const before = process.memoryUsage();
  let id = 1;
  const started = performance.now();
  for (let turn = 0; turn < TURNS; turn++) {
    const { transcript, status } = controller.getState();
    controller.set({
      transcript: [
        ...transcript,
        {
          id: id++,
          kind: 'user',
          text: `Turn ${turn}: fix the date parser for offset ${turn % 24}`,
        },
        {
          id: id++,
          kind: 'tool',
          name: 'edit',
          summary: 'src/date.ts (+2 −1)',
          ok: true,
          detail: '-a\n+b\n+c',
        },
        { id: id++, kind: 'assistant', text: answer, model: 'anthropic/claude-sonnet-4-6' },
        {
          id: id++,
          kind: 'turn',
          model: 'anthropic/claude-sonnet-4-6',
          tier: 1,
          usage: { input: 1_200, output: 400, cacheRead: 9_000, cacheWrite: 0, reasoning: 0 },
          costUsd: 0.0123,
          tokPerSec: 52,
          durationMs: 6_400,
          how: 'accepted',
          outcome: 'ok',
        },
      ],
      status: {
        ...status,
        sessionUsd: status.sessionUsd + 0.0123,
        tokPerSec: [...status.tokPerSec, 52].slice(-30),
      },
    });
    await sleep(2);
  }
  await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  console.log(
    `  ${TURNS} turns (${controller.getState().transcript.length} items) drawn in ${seconds.toFixed(1)} s, ${frames.length} frames` +
      ' (heap read after a full GC)',
  );
  console.log(
    `  heapUsed ${mb(before.heapUsed)} → ${mb(after.heapUsed)} (+${mb(after.heapUsed - before.heapUsed)}, ${((after.heapUsed - before.heapUsed) / TURNS / 1024).toFixed(1)} KB per turn)`,
  );
  console.log(`  RSS      ${mb(before.rss)} → ${mb(after.rss)} (+${mb(after.rss - before.rss)})`);
  console.log(
    `  heapTotal ${mb(before.heapTotal)} → ${mb(after.heapTotal)}, external ${mb(before.external)} → ${mb(after.external)} (Yoga's WebAssembly memory and buffers)`,
  );
  instance.unmount();
  instance.cleanup();
}

if (ONLY.includes('launch')) await launchToFirstFrame();
// Memory before streaming, so that its baseline is not the streaming runs' leftovers.
if (ONLY.includes('memory')) await memory();
if (ONLY.includes('stream')) await streaming();
if (ONLY.includes('keys')) await routeCardKeys();
// Ink and the controller leave no timers behind, but do not wait on stray handles either.
process.exit(0);
