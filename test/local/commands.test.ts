import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseContextSize,
  renderBar,
  runModels,
  type ModelsIO,
} from '../../src/commands/models.js';
import { formatEta, formatPullLine, runPull } from '../../src/commands/pull.js';
import type { MemorySnapshot } from '../../src/telemetry/memory-snapshot.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const GiB = 1024 ** 3;

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let stub: OllamaStub;
let stdout: Capture;
let stderr: Capture;
const memory = async () =>
  ({ gpuWiredLimitBytes: 96 * GiB, gpuWiredLimitDefaulted: true }) as MemorySnapshot;
const io = (extra: Partial<ModelsIO> = {}): ModelsIO => ({
  stdout,
  stderr,
  env: { OLLAMA_HOST: stub.url },
  memory,
  ...extra,
});

beforeEach(async () => {
  stub = await startOllamaStub({
    models: [
      {
        name: 'qwen3-coder:30b',
        size: 18_556_700_000,
        parameterSize: '30.5B',
        quantization: 'Q4_K_M',
        family: 'qwen3moe',
        blockCount: 48,
        headCountKv: 4,
        keyLength: 128,
        contextLength: 262144,
        capabilities: ['completion', 'tools'],
      },
      {
        name: 'qwen2.5-coder:32b',
        size: 19_851_300_000,
        parameterSize: '32.8B',
        quantization: 'Q4_K_M',
        blockCount: 64,
        headCountKv: 8,
        keyLength: 128,
        contextLength: 32768,
      },
      {
        name: 'nomic-embed-text:latest',
        size: 274_302_450,
        parameterSize: '137M',
        quantization: 'F16',
        blockCount: 12,
        headCountKv: 12,
        keyLength: 64,
        contextLength: 2048,
        capabilities: ['embedding'],
      },
    ],
  });
  stdout = new Capture();
  stderr = new Capture();
});
afterEach(() => stub.close());

describe('runModels', () => {
  it('lists models with buckets, capabilities, resident marker and the budget bar', async () => {
    await runModels({ action: 'load', model: 'qwen3-coder:30b', numCtx: 32768 }, io());
    stdout.text = '';
    expect(await runModels({}, io())).toBe(0);
    const out = stdout.text;
    expect(out).toMatch(/^Ollama 0\.12\.6 at http:\/\/127\.0\.0\.1:\d+/);
    const coder = out.split('\n').find((l) => l.startsWith('qwen3-coder:30b'))!;
    // 17.3 GiB weights + 96 KiB/token: 17.7 at 4K … 29.3 at 128K; resident at 32K = 20.3 GiB.
    expect(coder).toMatch(
      /30\.5B\s+Q4_K_M\s+17\.3 GiB\s+17\.7\s+18\.0\s+18\.8\s+20\.3\s+23\.3\s+29\.3/,
    );
    expect(coder).toMatch(/completion,tools\s+● 20\.3 GiB @32K$/);
    const dense = out.split('\n').find((l) => l.startsWith('qwen2.5-coder:32b'))!;
    expect(dense).toMatch(/26\.5\s+—\s+—/); // no buckets beyond its 32K context
    const embed = out.split('\n').find((l) => l.startsWith('nomic-embed-text'))!;
    expect(embed).toMatch(/262 MiB\s+0\.3\s+—/); // its 2K context shows under 4K
    // Curated models not installed are suggested with their size at 32K and whether they fit.
    expect(out).toMatch(/\n {2}qwen3:8b\s+~\s*9\.3 GiB\s+fits\s+classification/);
    expect(out).not.toMatch(/\n {2}qwen3-coder:30b/);
    // No cap configured: the budget is the GPU wired limit less the 4 GiB reserve.
    expect(out).toMatch(
      /Budget \[█{5}░{19}\] 20\.3 GiB of 92\.0 GiB resident \(GPU limit 96\.0 GiB \(default\), reserve 4\.0 GiB\)/,
    );
  });

  it('--json gives one object with footprints and budget', async () => {
    expect(await runModels({ json: true, local: { memoryBudgetGb: 64, reserveGb: 8 } }, io())).toBe(
      0,
    );
    const report = JSON.parse(stdout.text);
    // An explicit cap below the limit − reserve (96 − 8) is the budget.
    expect(report.budget).toMatchObject({
      budgetBytes: 64 * GiB,
      configuredBytes: 64 * GiB,
      source: 'configured',
      residentBytes: 0,
    });
    const dense = report.models.find((m: { name: string }) => m.name === 'qwen2.5-coder:32b');
    expect(dense.footprints.map((f: { numCtx: number }) => f.numCtx)).toEqual([
      4096, 8192, 16384, 32768,
    ]);
    expect(dense.footprints[3].bytes).toBe(19_851_300_000 + 8 * GiB);
    expect(dense.resident).toBeUndefined();
  });

  it('models load --ctx 16k loads at 16K; without --ctx the largest context that fits', async () => {
    expect(await runModels({ action: 'load', model: 'qwen3-coder:30b', numCtx: '16k' }, io())).toBe(
      0,
    );
    expect(stub.resident()[0]).toMatchObject({ name: 'qwen3-coder:30b', contextLength: 16384 });
    expect(stdout.text).toMatch(/at 16K context/);
    await runModels({ action: 'unload', model: 'qwen3-coder:30b' }, io());
    // A 24 GiB cap: 23.3 GiB at 64K fits, 29.3 GiB at 128K does not.
    stdout.text = '';
    expect(
      await runModels(
        { action: 'load', model: 'qwen3-coder:30b', local: { memoryBudgetGb: 24 } },
        io(),
      ),
    ).toBe(0);
    expect(stub.resident()[0]).toMatchObject({ name: 'qwen3-coder:30b', contextLength: 65536 });
    expect(stdout.text).toMatch(/at 64K context/);
    expect(parseContextSize('32768')).toBe(32768);
    expect(parseContextSize('128K')).toBe(131072);
    expect(() => parseContextSize('lots')).toThrow(/not a context size/);
  });

  it('models load refuses, loading nothing, when nothing fits at any context', async () => {
    expect(
      await runModels(
        { action: 'load', model: 'qwen3-coder:30b', local: { memoryBudgetGb: 10 } },
        io(),
      ),
    ).toBe(1);
    expect(stdout.text).toMatch(/does not fit at any context: .*more than the whole budget/);
    expect(stub.resident()).toEqual([]);
  });

  it('load, pin and unload act on the server', async () => {
    expect(
      await runModels({ action: 'load', model: 'qwen2.5-coder:32b', numCtx: 8192 }, io()),
    ).toBe(0);
    expect(stdout.text).toMatch(/^Loaded qwen2\.5-coder:32b at 8K context in \d+\.\d s/);
    expect(stub.resident()[0]!.contextLength).toBe(8192);
    expect(await runModels({ action: 'pin', model: 'qwen3-coder:30b', numCtx: 8192 }, io())).toBe(
      0,
    );
    expect(stdout.text).toMatch(/\(pinned\)/);
    expect(stub.resident()[0]!.expiresAt.getFullYear()).toBeGreaterThan(2200);
    expect(await runModels({ action: 'unload', model: 'qwen2.5-coder:32b' }, io())).toBe(0);
    expect(stub.resident().map((r) => r.name)).toEqual(['qwen3-coder:30b']);
  });

  it('fails clearly: missing model name, unknown model, unreachable server', async () => {
    expect(await runModels({ action: 'load' }, io())).toBe(1);
    expect(stderr.text).toMatch(/needs a model name/);
    expect(await runModels({ action: 'load', model: 'nope:1' }, io())).toBe(1);
    expect(stderr.text).toMatch(/kirikae pull nope:1/);
    const url = stub.url;
    await stub.close();
    stderr.text = '';
    expect(await runModels({}, { ...io(), env: { OLLAMA_HOST: url } })).toBe(1);
    expect(stderr.text).toMatch(/^kirikae: Cannot reach Ollama at .*ollama serve/);
    stub = await startOllamaStub();
  });
});

describe('runPull', () => {
  const script = () =>
    stub.pullScripts.set('codestral:22b', {
      layers: [
        { digest: 'sha256:' + 'e'.repeat(64), size: 12_600_000_000 },
        { digest: 'sha256:' + 'f'.repeat(64), size: 500 },
      ],
      chunksPerLayer: 10,
      chunkDelayMs: 2,
    });

  it('prints a line per 10% when piped, ending with done', async () => {
    script();
    expect(await runPull({ model: 'codestral:22b' }, io())).toBe(0);
    const lines = stdout.text.trim().split('\n');
    expect(lines[0]).toBe('codestral:22b  pulling manifest');
    expect(lines.some((l) => /\[█{12}░{12}\]\s+50%\s+6\.3 GB\/12\.6 GB/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('codestral:22b  done: 12.6 GB');
    expect(stdout.text).not.toContain('\r');
  });

  it('redraws one line with \\r on a TTY', async () => {
    script();
    stdout = new Capture(true);
    expect(await runPull({ model: 'codestral:22b' }, io())).toBe(0);
    expect(stdout.text.startsWith('\rcodestral:22b  pulling manifest')).toBe(true);
    expect(stdout.text.match(/\n/g)).toHaveLength(1); // only the final newline
    expect(stdout.text.endsWith('\rcodestral:22b  done: 12.6 GB\x1b[K\n')).toBe(true);
  });

  it('--json prints progress objects', async () => {
    script();
    expect(await runPull({ model: 'codestral:22b', json: true }, io())).toBe(0);
    const objs = stdout.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objs.at(-1)).toMatchObject({
      phase: 'success',
      percent: 100,
      totalBytes: 12_600_000_500,
    });
  });

  it('exits 130 when cancelled and 1 for an unknown model', async () => {
    stub.pullScripts.set('slow:1', {
      layers: [{ digest: 'sha256:' + '1'.repeat(64), size: 1000 }],
      chunkDelayMs: 50,
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 80);
    expect(await runPull({ model: 'slow:1' }, { ...io(), signal: ac.signal })).toBe(130);
    expect(stderr.text).toMatch(/cancelled.*again to resume/);
    stderr.text = '';
    expect(await runPull({ model: 'nope:1' }, io())).toBe(1);
    expect(stderr.text).toMatch(/^kirikae: Model nope:1 not found\. Check the name/);
  });

  it('formats ETA and bars', () => {
    expect(formatEta(undefined)).toBe('ETA --');
    expect(formatEta(42)).toBe('ETA 42s');
    expect(formatEta(98)).toBe('ETA 1m38s');
    expect(formatEta(3 * 3600 + 5 * 60)).toBe('ETA 3h05m');
    expect(renderBar(0.5, 4)).toBe('[██░░]');
    expect(
      formatPullLine({
        model: 'm',
        phase: 'downloading',
        status: '',
        completedBytes: 7.6e9,
        totalBytes: 18.6e9,
        percent: 40.86,
        bytesPerSec: 112.4e6,
        etaSeconds: 98,
        layers: 3,
      }),
    ).toBe('m  [██████████░░░░░░░░░░░░░░]  41%  7.6 GB/18.6 GB  112.4 MB/s  ETA 1m38s');
  });
});
