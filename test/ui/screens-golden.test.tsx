// Golden renders of the models (Ctrl-O), pull (Ctrl-T) and costs screens at 40, 80, 120 and
// 200 columns, without colour: nothing wider than the terminal, model names whole, memory in
// GiB, and a missing Ollama said once. The help screen's goldens are in help.test.tsx, the
// status bar's in status-bar-hosts.test.tsx.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { costsScreenData } from '../../src/ledger/screen.js';
import { addMonths } from '../../src/ledger/time.js';
import type {
  CostsPort,
  CuratedEntry,
  ModelEntry,
  ModelsPort,
  ModelsView,
  PortResult,
  PullJobView,
  PullPort,
} from '../../src/session/ports/screen-ports.js';
import { CostsScreen } from '../../src/ui/screens/costs.js';
import { ModelsScreen } from '../../src/ui/screens/models.js';
import { PullScreen } from '../../src/ui/screens/pull.js';
import { NOW, RECORDS } from './costs-fixtures.js';
import { renderScreen, widestLine } from './screens-helpers.js';

const GiB = 1024 ** 3;
const WIDTHS = [40, 80, 120, 200] as const;
const ok = <T,>(value: T): PortResult<T> => ({ ok: true, value });

afterEach(() => cleanup());

/** Trailing blanks trimmed, so the files do not depend on Ink's padding. */
const golden = (frame: string) => frame.replace(/[ \t]+$/gm, '') + '\n';

// ─── models ────────────────────────────────────────────────────────────────────────────────

function entry(name: string, sizeGiB: number, patch: Partial<ModelEntry> = {}): ModelEntry {
  return {
    name,
    digest: `sha256:${name}`,
    sizeBytes: sizeGiB * GiB,
    family: 'qwen3moe',
    parameterSize: '30.5B',
    quantization: 'Q4_K_M',
    contextLength: 262144,
    capabilities: ['completion', 'tools'],
    footprints: [4096, 8192, 16384, 32768, 65536, 131072].map((numCtx) => ({
      numCtx,
      bytes: sizeGiB * GiB + numCtx * 96 * 1024,
      fits: sizeGiB * GiB + numCtx * 96 * 1024 <= 21.5 * GiB,
    })),
    facts: { architecture: 'qwen3moe', layers: 48, kvHeads: 4, headSize: 128 },
    ...patch,
  };
}

const MODELS_VIEW: ModelsView = {
  host: 'http://127.0.0.1:11434',
  version: '0.12.6',
  physicalBytes: 24 * GiB,
  budget: { budgetBytes: 21.5 * GiB, reserveBytes: 4 * GiB, residentBytes: 18 * GiB },
  needed: [],
  models: [
    entry('qwen3-coder:30b', 17.3, {
      tier: 3,
      tokPerSec: 34,
      resident: {
        sizeBytes: 18 * GiB,
        sizeVramBytes: 18 * GiB,
        contextLength: 32768,
        pinned: false,
      },
    }),
    entry('qwen2.5-coder:32b', 18.5, { parameterSize: '32.8B', family: 'qwen2' }),
    entry('qwen3:8b', 4.9, {
      parameterSize: '8.2B',
      tier: 3,
      capabilities: ['completion', 'tools', 'thinking'],
    }),
    entry('nomic-embed-text:latest', 0.26, {
      parameterSize: '137M',
      quantization: 'F16',
      capabilities: ['embedding'],
      footprints: [{ numCtx: 2048, bytes: 0.3 * GiB, fits: true }],
    }),
  ],
};

function modelsPort(
  load: () => Promise<PortResult<ModelsView>>,
  host = 'http://127.0.0.1:11434',
): ModelsPort {
  const said = async (name: string) => ok(name);
  return { host, load, loadModel: said, unload: said, pin: said, unpin: said, remove: said };
}

const UNREACHABLE = `Ollama not reachable at http://127.0.0.1:11434: start \`ollama serve\` or set OLLAMA_HOST`;

async function drawModels(ports: ModelsPort[], width: number, until: (f: string) => boolean) {
  const screen = renderScreen(<ModelsScreen ports={ports} width={width} active />, {
    noColor: true,
  });
  return screen.waitFor(until);
}

describe('models screen goldens', () => {
  it.each(WIDTHS)('at %i columns', async (width) => {
    const frame = await drawModels([modelsPort(async () => ok(MODELS_VIEW))], width, (f) =>
      f.includes('nomic-embed-text'),
    );
    expect(widestLine(frame)).toBeLessThanOrEqual(width);
    // Names whole from 80 columns up (they used to be cut to "qwen3-coder…").
    if (width >= 80) for (const m of MODELS_VIEW.models) expect(frame).toContain(m.name);
    expect(frame).not.toMatch(/\d GB\b/);
    const unreachable = await drawModels(
      [modelsPort(async () => ({ ok: false, error: UNREACHABLE }))],
      width,
      (f) => f.includes('not reachable'),
    );
    // Said once (the title names the host; the sentence is not repeated).
    expect(unreachable.match(/not reachable/g)).toHaveLength(1);
    expect(widestLine(unreachable)).toBeLessThanOrEqual(width);
    // Two hosts: the laptop's section, then the Mac mini's, each with its own budget.
    const mini: ModelsView = {
      ...MODELS_VIEW,
      host: 'http://mini.lan:11434',
      physicalBytes: undefined,
      budget: { budgetBytes: 48 * GiB, reserveBytes: 4 * GiB, residentBytes: 0 },
      models: [entry('qwen2.5-coder:32b', 18.5, { parameterSize: '32.8B', family: 'qwen2' })],
    };
    const two = await drawModels(
      [
        { ...modelsPort(async () => ok(MODELS_VIEW)), label: '127.0.0.1:11434' },
        { ...modelsPort(async () => ok(mini), mini.host), label: 'mini.lan:11434' },
      ],
      width,
      (f) => f.includes('mini.lan:11434 · Ollama'),
    );
    expect(widestLine(two)).toBeLessThanOrEqual(width);
    expect(two).toContain('budget 48.0 GiB');
    await expect(
      `${golden(frame)}\n-- Ollama not running --\n${golden(unreachable)}\n-- two hosts --\n${golden(two)}`,
    ).toMatchFileSnapshot(`golden/models-${width}.txt`);
  });
});

// ─── pull ──────────────────────────────────────────────────────────────────────────────────

const CURATED: CuratedEntry[] = [
  ['qwen3-coder:30b', 'coding agent, MoE, fast', 18.6, true, true],
  ['qwen2.5-coder:32b', 'dense coder, strong edits', 19.9, false, false],
  ['devstral:24b', 'agentic coding (Mistral)', 14.3, true, false],
  ['qwen3:8b', 'small, quick edits and classifying', 5.2, true, false],
].map(([name, purpose, gb, fits, installed]) => ({
  name: name as string,
  purpose: purpose as string,
  approxBytes: (gb as number) * 1e9,
  footprintBytes: (gb as number) * 1e9 + 3 * GiB,
  numCtx: 32768,
  fits: fits as boolean,
  installed: installed as boolean,
}));

const JOBS: PullJobView[] = [
  {
    model: 'devstral:24b',
    phase: 'downloading',
    completedBytes: 6.1e9,
    totalBytes: 14.3e9,
    percent: 42.6,
    bytesPerSec: 48e6,
    etaSeconds: 171,
  },
  { model: 'qwen3:8b', phase: 'success', completedBytes: 5.2e9, totalBytes: 5.2e9, percent: 100 },
] as PullJobView[];

function pullPort(hosts?: string[]): PullPort {
  return {
    host: 'http://127.0.0.1:11434',
    ...(hosts ? { hosts } : {}),
    enqueue: () => ok(undefined),
    cancel: () => ok(undefined),
    resume: () => ok(undefined),
    jobs: () => (hosts ? JOBS.map((j, i) => ({ ...j, host: hosts[i % hosts.length] })) : JOBS),
    subscribe: () => () => undefined,
    curated: () => CURATED,
  };
}

describe('pull screen goldens', () => {
  it.each(WIDTHS)('at %i columns', async (width) => {
    const draw = (port: PullPort) =>
      renderScreen(<PullScreen port={port} width={width} active />, { noColor: true }).waitFor(
        (f) => f.includes('devstral'),
      );
    const one = await draw(pullPort());
    const two = await draw(pullPort(['127.0.0.1:11434', 'mini.lan:11434']));
    for (const frame of [one, two]) expect(widestLine(frame)).toBeLessThanOrEqual(width);
    if (width >= 80) for (const c of CURATED) expect(one).toContain(c.name);
    expect(two).toContain('‹127.0.0.1:11434›');
    await expect(`${golden(one)}\n-- two hosts --\n${golden(two)}`).toMatchFileSnapshot(
      `golden/pull-${width}.txt`,
    );
  });
});

// ─── costs ─────────────────────────────────────────────────────────────────────────────────

const costsPort: CostsPort = {
  currentMonth: () => '2026-03',
  shiftMonth: (month, delta) => addMonths(month, delta),
  load: async (month, by) =>
    ok({
      ...costsScreenData(
        RECORDS.filter((r) => r.ts.startsWith(month)),
        { month, by, budgetUsd: 5, now: NOW },
      ),
      skippedLines: 0,
    }),
};

describe('costs screen goldens', () => {
  it.each(WIDTHS)('at %i columns', async (width) => {
    const frame = await renderScreen(<CostsScreen port={costsPort} width={width} active />, {
      noColor: true,
    }).waitFor((f) => f.includes('BY TIER'));
    expect(widestLine(frame)).toBeLessThanOrEqual(width);
    await expect(golden(frame)).toMatchFileSnapshot(`golden/costs-${width}.txt`);
  });
});
