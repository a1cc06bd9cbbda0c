// doctor's classifier line: who would answer for the model classifier now. The card is silent
// when nobody can (under `auto` with nothing small resident), so doctor is where a user learns why.
import { describe, expect, it } from 'vitest';
import { classifierReport } from '../../src/commands/doctor-classifier.js';
import { configSchema } from '../../src/config/schema.js';

const GiB = 1024 ** 3;
const config = (routing: Record<string, unknown> = {}) => configSchema.parse({ routing });
const ollama = (resident: { name: string; sizeBytes: number }[], installed = resident) => ({
  reachable: true,
  installed,
  resident,
});
const noKeys = () => false;

describe('classifierReport', () => {
  it('auto: the smallest resident model under 24 GiB answers, as the client picks it', () => {
    const r = classifierReport(config(), {
      ollama: ollama([
        { name: 'qwen3-coder:30b', sizeBytes: 19 * GiB },
        { name: 'qwen3:8b', sizeBytes: 5 * GiB },
        { name: 'gpt-oss:120b', sizeBytes: 65 * GiB },
      ]),
      keySet: noKeys,
    });
    expect(r).toMatchObject({ ready: true, model: 'ollama/qwen3:8b' });
    expect(r.line).toBe(
      '✓ auto: qwen3:8b (the smallest resident model), asked below confidence 0.8',
    );
    expect(r.problem).toBeUndefined();
  });

  it('auto with nothing small resident says why nothing is asked, without calling it a problem', () => {
    const r = classifierReport(config(), {
      ollama: ollama([{ name: 'gpt-oss:120b', sizeBytes: 65 * GiB }]),
      keySet: noKeys,
    });
    expect(r.ready).toBe(false);
    expect(r.line).toMatch(/^– auto: no model under 24 GiB is resident, so none is asked/);
    expect(r.problem).toBeUndefined();
  });

  it('a named model: resident or not, installed or not, with its key or not', () => {
    const named = (setting: string) => config({ modelClassifier: setting, askModelBelow: 0.8 });
    const loaded = classifierReport(named('ollama/qwen3:8b'), {
      ollama: ollama([{ name: 'qwen3:8b', sizeBytes: 5 * GiB }]),
      keySet: noKeys,
    });
    expect(loaded.line).toBe('✓ ollama/qwen3:8b, asked below confidence 0.8');
    const notLoaded = classifierReport(named('ollama/qwen3:8b'), {
      ollama: ollama([], [{ name: 'qwen3:8b', sizeBytes: 5 * GiB }]),
      keySet: noKeys,
    });
    expect(notLoaded.ready).toBe(false);
    expect(notLoaded.line).toBe('✗ ollama/qwen3:8b is not resident: asked only while it is loaded');
    expect(notLoaded.problem).toBeUndefined();
    const missing = classifierReport(named('ollama/qwen3:4b'), {
      ollama: ollama([]),
      keySet: noKeys,
    });
    expect(missing.problem).toEqual({
      what: 'routing.modelClassifier ollama/qwen3:4b is not installed',
      fix: 'kirikae pull qwen3:4b',
    });
    const cloud = named('anthropic/claude-haiku-4-5');
    expect(classifierReport(cloud, { ollama: ollama([]), keySet: () => true }).line).toBe(
      '✓ anthropic/claude-haiku-4-5 (paid per question), asked below confidence 0.8',
    );
    expect(classifierReport(cloud, { ollama: ollama([]), keySet: noKeys }).problem?.what).toBe(
      'routing.modelClassifier anthropic/claude-haiku-4-5 has no API key',
    );
    expect(
      classifierReport(config({ modelClassifier: 'off' }), { ollama: ollama([]), keySet: noKeys })
        .line,
    ).toMatch(/^off/);
  });
});
