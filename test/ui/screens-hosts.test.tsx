// The models and pull screens over two Ollama hosts (two stub servers, as in
// test/session/core.test.ts): each host's inventory, residency and budget on the models screen,
// load/unload acting on the host of the selected row, and a pull going to the host chosen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { createLocalRuntime } from '../../src/local/runtime.js';
import { createScreenPorts, type ScreenPorts } from '../../src/session/ports/screen-ports.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { ModelsScreen } from '../../src/ui/screens/models.js';
import { PullScreen } from '../../src/ui/screens/pull.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { KEYS, renderScreen, widestLine } from './screens-helpers.js';

const GiB = 1024 ** 3;
const MEMORY = {
  totalBytes: 128 * GiB,
  usedBytes: 14 * GiB,
  pressure: 'normal',
  gpuWiredLimitBytes: 96 * GiB,
} as MemorySnapshot;

let laptop: OllamaStub;
let mini: OllamaStub;
let ports: ScreenPorts;
let mounted: { unmount(): void }[] = [];

beforeEach(async () => {
  laptop = await startOllamaStub({ models: [{ name: 'qwen3:8b', size: 5_200_000_000 }] });
  mini = await startOllamaStub({ models: [{ name: 'qwen3-coder:30b', size: 18_600_000_000 }] });
  const config = defaultConfig();
  config.local.hosts = [
    { url: laptop.url, memoryBudgetGb: 12 },
    { url: mini.url, memoryBudgetGb: 48 },
  ];
  const local = createLocalRuntime({
    config,
    env: {},
    memory: () => MEMORY,
    createChat: () => {
      throw new Error('the screens never chat');
    },
  });
  ports = createScreenPorts({ config, env: {}, memory: () => MEMORY, local });
});

afterEach(async () => {
  for (const m of mounted) m.unmount();
  mounted = [];
  ports.close();
  await laptop.close();
  await mini.close();
});

const label = (stub: OllamaStub) => new URL(stub.url).host;

describe('models screen, two hosts', () => {
  it('shows each host with its own budget and models, and loads on the selected row’s host', async () => {
    const screen = renderScreen(<ModelsScreen ports={ports.models} width={100} active />, {
      noColor: true,
    });
    mounted.push(screen);
    let frame = await screen.waitFor(
      (f) => f.includes('qwen3-coder:30b') && f.includes('qwen3:8b'),
    );
    expect(frame).toContain('2 Ollama hosts');
    expect(frame).toContain(`⌂ ${label(laptop)} · Ollama`);
    expect(frame).toContain(`⌂ ${label(mini)} · Ollama`);
    expect(frame).toMatch(/budget 12.0 GiB/);
    expect(frame).toMatch(/budget 48.0 GiB/);
    // The laptop's section comes first: down once selects the mini's model.
    await screen.press(KEYS.down, 'l');
    frame = await screen.waitFor((f) => f.includes('Loaded qwen3-coder:30b'));
    expect(frame).toContain(`on ${label(mini)}`);
    expect(mini.resident().map((r) => r.name)).toContain('qwen3-coder:30b');
    expect(laptop.resident()).toEqual([]);
    // Unload acts on the same host.
    await screen.press('u');
    await screen.waitFor((f) => f.includes(`Unloaded qwen3-coder:30b on ${label(mini)}`));
    expect(mini.resident()).toEqual([]);
  });

  it('says an unreachable host once, and still shows the other', async () => {
    await laptop.close();
    const screen = renderScreen(<ModelsScreen ports={ports.models} width={80} active />, {
      noColor: true,
    });
    mounted.push(screen);
    const frame = await screen.waitFor((f) => f.includes('qwen3-coder:30b') && /reachable/.test(f));
    expect(frame.match(/not reachable/g)).toHaveLength(1);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    laptop = await startOllamaStub(); // for afterEach
  });
});

describe('pull screen, two hosts', () => {
  it('pulls to the host chosen with ←/→', async () => {
    // Pull progress lines as Ollama's /api/pull streams them (see test/support/ollama-stub.ts).
    mini.pullScripts.set('qwen3:4b', {
      layers: [{ digest: 'sha256:' + 'a'.repeat(64), size: 2_000_000 }],
      chunksPerLayer: 2,
      chunkDelayMs: 2,
    });
    const screen = renderScreen(<PullScreen port={ports.pull} width={80} active />, {
      noColor: true,
    });
    mounted.push(screen);
    let frame = await screen.waitFor((f) => f.includes(`‹${label(laptop)}›`));
    expect(frame).toContain('←→ host');
    await screen.press(KEYS.right);
    await screen.waitFor((f) => f.includes(`‹${label(mini)}›`));
    await screen.press('qwen3:4b', KEYS.enter);
    await screen.waitFor((f) => f.includes(`Queued qwen3:4b to ${label(mini)}`));
    await vi.waitFor(() => expect(mini.models.map((m) => m.name)).toContain('qwen3:4b'), {
      timeout: 5000,
    });
    expect(laptop.models.map((m) => m.name)).not.toContain('qwen3:4b');
    // Both stubs are on 127.0.0.1: the queue names the host with its port.
    frame = await screen.waitFor((f) => f.includes(`qwen3:4b → ${label(mini)}`) && /done/.test(f));
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
  });

  it('when the hosts do not fit the width, shows the chosen one and its place in the list', async () => {
    const screen = renderScreen(<PullScreen port={ports.pull} width={34} active />, {
      noColor: true,
    });
    mounted.push(screen);
    await screen.waitFor((f) => f.includes(`to ${label(laptop)} 1/2`));
    await screen.press(KEYS.right);
    const frame = await screen.waitFor((f) => f.includes(`to ${label(mini)} 2/2`));
    expect(widestLine(frame)).toBeLessThanOrEqual(34);
  });
});
