import { describe, expect, it } from 'vitest';
import {
  latestPerPrompt,
  overrideLine,
  parseOverrides,
  FEATURE_VERSION,
} from '../../src/router/overrides.js';
import { overrideExamples } from '../../scripts/router/corpus.js';
import { featurizeExamples } from '../../scripts/router/pipeline.js';
import { turnFeatures } from '../../src/router/trained.js';

const dim = 1 << 13;
const at = new Date('2026-11-30T12:00:00Z');

describe('overrides as labels', () => {
  it('an override becomes one JSON line with the prompt hash, features and the chosen tier', () => {
    const line = overrideLine({
      prompt: 'このPRをレビューして',
      tier: 1,
      proposedTier: 3,
      dim,
      now: at,
    });
    expect(line).not.toContain('\n');
    const [label] = parseOverrides(line);
    expect(label).toMatchObject({
      kind: 'override',
      at: '2026-11-30T12:00:00.000Z',
      text: 'このPRをレビューして',
      tier: 1,
      proposedTier: 3,
      features: { version: FEATURE_VERSION, dim },
    });
    expect(label!.promptHash).toMatch(/^[0-9a-f]{8}$/);
    expect(label!.features.index).toEqual(
      Array.from(turnFeatures('このPRをレビューして', {}, dim).x.index),
    );
  });

  it('without the text the stored vector still trains (same feature version and size)', () => {
    const line = overrideLine({
      prompt: 'rename foo to bar',
      tier: 3,
      proposedTier: 1,
      dim,
      keepText: false,
      now: at,
    });
    expect(line).not.toContain('rename foo');
    const [ex] = overrideExamples(line);
    expect(ex).toMatchObject({ acceptableTiers: [3], origin: 'override' });
    const [x] = featurizeExamples([ex!], dim);
    expect(Array.from(x!.index)).toEqual(
      Array.from(turnFeatures('rename foo to bar', {}, dim).x.index),
    );
  });

  it('a torn last line or a foreign line is skipped; a repeated prompt keeps its latest choice', () => {
    const a = overrideLine({ prompt: 'p', tier: 1, proposedTier: 3, dim, now: at });
    const b = overrideLine({ prompt: 'p', tier: 0, proposedTier: 3, dim, now: at });
    const labels = parseOverrides(`${a}\n{"kind":"other"}\n${b}\n{"kind":"overr`);
    expect(labels).toHaveLength(2);
    expect(latestPerPrompt(labels).map((l) => l.tier)).toEqual([0]);
  });
});
