import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type {
  ModelEntry,
  ModelsPort,
  ModelsView,
  PortResult,
} from '../../src/session/ports/screen-ports.js';
import { ModelsScreen, capabilityLabel, modelColumns } from '../../src/ui/screens/models.js';
import { KEYS, forceColours, hasColour, renderScreen, widestLine } from './screens-helpers.js';

const GiB = 1024 ** 3;

function entry(partial: Partial<ModelEntry> & Pick<ModelEntry, 'name'>): ModelEntry {
  return {
    digest: `sha256:${partial.name}`,
    sizeBytes: 18 * GiB,
    family: 'qwen3moe',
    parameterSize: '30.5B',
    quantization: 'Q4_K_M',
    contextLength: 262144,
    capabilities: ['completion', 'tools'],
    tokPerSec: 62.4,
    footprints: [4096, 8192, 16384, 32768, 65536, 131072].map((numCtx) => ({
      numCtx,
      bytes: 18 * GiB + numCtx * 96 * 1024,
      fits: numCtx <= 65536,
    })),
    facts: {
      architecture: 'qwen3moe',
      layers: 48,
      kvHeads: 4,
      headSize: 128,
      contextLength: 262144,
    },
    ...partial,
  };
}

const VIEW: ModelsView = {
  host: 'http://127.0.0.1:11434',
  version: '0.12.6',
  physicalBytes: 128 * GiB,
  budget: {
    budgetBytes: 80 * GiB,
    configuredBytes: 96 * GiB,
    reserveBytes: 16 * GiB,
    residentBytes: 21 * GiB,
  },
  models: [
    entry({
      name: 'qwen3-coder:30b',
      tier: 3,
      resident: {
        sizeBytes: 21 * GiB,
        sizeVramBytes: 21 * GiB,
        contextLength: 32768,
        pinned: true,
      },
    }),
    entry({
      name: 'qwen3:8b',
      sizeBytes: 5 * GiB,
      parameterSize: '8.2B',
      capabilities: ['completion', 'tools', 'thinking'],
      facts: { architecture: 'qwen3', layers: 36, kvHeads: 8, headSize: 128, contextLength: 40960 },
    }),
  ],
  needed: [{ name: 'qwen3-coder:30b', usedBy: 'tier 3 local' }],
};

const ok = <T,>(value: T): PortResult<T> => ({ ok: true, value });

function fakePort(load: () => Promise<PortResult<ModelsView>> = async () => ok(VIEW)) {
  const port = {
    host: VIEW.host,
    load: vi.fn(load),
    loadModel: vi.fn(async (name: string) => ok(`Loaded ${name} at 32K context in 1.0 s`)),
    unload: vi.fn(async (name: string) => ok(`Unloaded ${name}`)),
    pin: vi.fn(async (name: string) => ok(`Pinned ${name}`)),
    unpin: vi.fn(async (name: string) => ok(`Unpinned ${name}`)),
    remove: vi.fn(async (name: string) => ok(`Deleted ${name}`)),
  } satisfies ModelsPort;
  return port;
}

let restoreColours: () => void;
beforeEach(() => {
  restoreColours = forceColours();
});
afterEach(() => {
  cleanup();
  restoreColours();
});

describe('models screen', () => {
  it('shows a loading line, then the installed models with their facts and residency', async () => {
    let resolve!: (r: PortResult<ModelsView>) => void;
    const port = fakePort(() => new Promise((r) => (resolve = r)));
    const screen = renderScreen(<ModelsScreen ports={[port]} width={120} active />);
    await screen.waitFor((f) => f.includes('Loading models from http://127.0.0.1:11434'));
    resolve(ok(VIEW));
    const frame = await screen.waitFor((f) => f.includes('qwen3:8b'));
    expect(frame).toContain('Ollama 0.12.6 at 127.0.0.1:11434');
    expect(frame).toMatch(/qwen3-coder:30b\s+30\.5B\s+Q4_K_M\s+18 GiB/);
    expect(frame).toContain('● 21 GiB pin');
    expect(frame).toContain('T3');
    expect(frame).toContain('tools,think');
    // Memory at each context: GiB, ! over the budget.
    expect(frame).toMatch(/32K/);
    expect(frame).toContain('30.0!');
    expect(frame).toContain('resident 21.0 GiB · budget 80.0 GiB · RAM 128.0 GiB');
    expect(frame).toContain('l load');
    expect(frame).not.toContain('Loading');
  });

  it('offers what the config calls and no host has: the semantic cache’s embedding model', async () => {
    const needed = [
      // Ollama resolves a name without a tag as :latest, which is not the installed :30b.
      { name: 'qwen3-coder', usedBy: 'tier 3 local' },
      { name: 'qwen3-coder:30b', usedBy: 'tier 3 local' },
      { name: 'nomic-embed-text', usedBy: 'semantic cache embeddings' },
    ];
    const port = fakePort(async () => ok({ ...VIEW, needed }));
    const screen = renderScreen(<ModelsScreen ports={[port]} width={120} active />);
    const frame = await screen.waitFor((f) => f.includes('Not installed'));
    expect(frame).toContain(
      'Not installed: qwen3-coder (tier 3 local), nomic-embed-text (semantic cache embeddings) · Ctrl-T pulls',
    );
    expect(frame).not.toContain('qwen3-coder:30b (tier 3 local)');
  });

  it('sends load, unload and pin/unpin for the selected model, then refreshes', async () => {
    const port = fakePort();
    const screen = renderScreen(<ModelsScreen ports={[port]} width={100} active />);
    await screen.waitFor((f) => f.includes('qwen3:8b'));
    await screen.press(KEYS.down, 'l');
    expect(port.loadModel).toHaveBeenCalledWith('qwen3:8b');
    await screen.waitFor((f) => f.includes('Loaded qwen3:8b at 32K context'));
    await vi.waitFor(() => expect(port.load.mock.calls.length).toBeGreaterThanOrEqual(2));
    await screen.press('u');
    expect(port.unload).toHaveBeenCalledWith('qwen3:8b');
    await screen.waitFor((f) => f.includes('Unloaded qwen3:8b'));
    await screen.press('p');
    expect(port.pin).toHaveBeenCalledWith('qwen3:8b');
    await screen.waitFor((f) => f.includes('Pinned qwen3:8b'));
    // The first model is pinned already: p unpins it.
    await screen.press(KEYS.up, 'p');
    expect(port.unpin).toHaveBeenCalledWith('qwen3-coder:30b');
  });

  it('asks before deleting: d then y removes, d then anything else keeps', async () => {
    const port = fakePort();
    const screen = renderScreen(<ModelsScreen ports={[port]} width={100} active />);
    await screen.waitFor((f) => f.includes('qwen3:8b'));
    await screen.press(KEYS.down, 'd');
    expect(screen.text()).toContain('Delete qwen3:8b from disk? y: delete');
    expect(port.remove).not.toHaveBeenCalled();
    await screen.press('n');
    expect(port.remove).not.toHaveBeenCalled();
    expect(screen.text()).toContain('Kept qwen3:8b');
    await screen.press('d', 'y');
    expect(port.remove).toHaveBeenCalledTimes(1);
    expect(port.remove).toHaveBeenCalledWith('qwen3:8b');
    await screen.waitFor((f) => f.includes('Deleted qwen3:8b'));
  });

  it('shows the facts of the selected model with i, and refreshes with r', async () => {
    const port = fakePort();
    const screen = renderScreen(<ModelsScreen ports={[port]} width={100} active />);
    await screen.waitFor((f) => f.includes('qwen3:8b'));
    await screen.press('i');
    expect(screen.text()).toContain('layers 48 · KV heads 4 · head size 128 · context 262144');
    expect(screen.text()).toContain('62 tok/s measured');
    expect(screen.text()).toContain('resident 21.0 GiB at 32K context · pinned');
    await screen.press(KEYS.down);
    expect(screen.text()).toContain('layers 36 · KV heads 8');
    expect(screen.text()).toContain('no tier: add "ollama/qwen3:8b" to tiers.3');
    const before = port.load.mock.calls.length;
    await screen.press('r');
    await vi.waitFor(() => expect(port.load.mock.calls.length).toBe(before + 1));
  });

  it('shows a port error in place, and action errors as values', async () => {
    const port = fakePort(async () => ({
      ok: false,
      error:
        'Ollama not reachable at http://127.0.0.1:11434: start `ollama serve` or set OLLAMA_HOST',
    }));
    const screen = renderScreen(<ModelsScreen ports={[port]} width={100} active />);
    await screen.waitFor((f) => f.includes('Ollama not reachable at http://127.0.0.1:11434'));
    expect(screen.text()).toContain('start `ollama serve` or set OLLAMA_HOST');

    const failing = fakePort();
    failing.loadModel.mockResolvedValue({ ok: false, error: 'qwen3:8b does not fit: needs 90 GB' });
    const second = renderScreen(<ModelsScreen ports={[failing]} width={100} active />);
    await second.waitFor((f) => f.includes('qwen3:8b'));
    await second.press(KEYS.down, 'l');
    await second.waitFor((f) => f.includes('does not fit: needs 90 GB'));
  });

  it('ignores keys while inactive', async () => {
    const port = fakePort();
    const screen = renderScreen(<ModelsScreen ports={[port]} width={100} active={false} />);
    await screen.waitFor((f) => f.includes('qwen3:8b'));
    await screen.press('l', 'd', 'y');
    expect(port.loadModel).not.toHaveBeenCalled();
    expect(port.remove).not.toHaveBeenCalled();
  });

  it('fits 40 columns without colour: no line longer than 40, details wrapped', async () => {
    const port = fakePort();
    const screen = renderScreen(<ModelsScreen ports={[port]} width={40} active />, {
      noColor: true,
    });
    await screen.waitFor((f) => f.includes('qwen3:8b'));
    await screen.press('i');
    await screen.press('d');
    const frame = screen.text();
    if (process.env.SHOW_FRAMES) console.log(frame);
    expect(widestLine(frame)).toBeLessThanOrEqual(40);
    expect(frame).toContain('● 21 GiB pin');
    expect(frame).toContain('layers 48');
    expect(hasColour(screen.lastFrame() ?? '')).toBe(false);
    // The same screen with colours on does colour it: the check above is not vacuous.
    const coloured = renderScreen(<ModelsScreen ports={[fakePort()]} width={40} active />);
    await coloured.waitFor((f) => f.includes('qwen3:8b'));
    expect(hasColour(coloured.lastFrame() ?? '')).toBe(true);
  });

  it('drops columns by importance as the width shrinks', () => {
    const keys = (w: number) => modelColumns(w).columns.map((c) => c.key);
    expect(keys(40)).toEqual(['disk', 'resident']);
    expect(keys(60)).toEqual(['params', 'quant', 'disk', 'ctx32768', 'tier', 'resident']);
    expect(keys(160)).toHaveLength(12);
    for (const w of [30, 40, 60, 80, 120]) {
      const { columns, nameWidth } = modelColumns(w);
      expect(2 + nameWidth + columns.reduce((s, c) => s + c.width + 1, 0)).toBeLessThanOrEqual(w);
    }
    expect(capabilityLabel(['completion'])).toBe('–');
    expect(capabilityLabel(['completion', 'vision', 'insert'])).toBe('vis,fim');
  });
});
