import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/router/classify.js';
import { parseCorpus } from '../../scripts/router/corpus.js';
import {
  classifyTrained,
  committedModel,
  fuseStoredModel,
  headProbabilities,
  loadModel,
  turnFeatures,
  type StoredModel,
} from '../../src/router/trained.js';
import type { LinearHead } from '../../src/router/linear.js';
import { tierFor } from '../../src/router/tier-table.js';

const WEIGHTS = new URL('../../src/router/weights/router.json', import.meta.url);
const BINARY = new URL('../../src/router/weights/router.bin', import.meta.url);
// The digests a model file names its binary by (crc32 is what a node with zlib.crc32 checks).
const sha = (b: Uint8Array) => ({
  sha256: createHash('sha256').update(b).digest('hex'),
  crc32: crc32(b),
});

describe('the committed weights', () => {
  // How long decoding takes is bench/classify.bench.mjs's figure (timed unit tests fail on a
  // shared machine: this one did at 25.6 ms of CPU in CI).
  it('are four heads over 65,536 slots, in files of a set size', () => {
    // Four int8 heads over 65,536 slots (type 12, complexity 5, tier 5, acceptable set 8
    // classes) are 30 bytes a slot; the ~52,000 slots a training feature reached are stored,
    // ~1.5 MB with the 8 KB bitmap (1.1 MB until 1 Dec 2026: 450 more prompts and the ask's
    // features filled 15,000 slots, for 2.8 points of CV). The budget is that and a little:
    // more slots or another head is a decision to make here, with the CV figure that pays for
    // it (docs/router.md), not growth that slips by. The JSON beside it holds names, biases
    // and temperatures.
    expect(statSync(BINARY).size).toBeLessThan(1600 * 1024);
    expect(statSync(WEIGHTS).size).toBeLessThan(8 * 1024);
    const stored = JSON.parse(readFileSync(WEIGHTS, 'utf8')) as StoredModel;
    const model = loadModel(stored);
    expect(model.dim).toBe(65_536);
    expect(model.taskType.classes).toHaveLength(12);
    expect(model.tier.classes).toEqual([0, 1, 2, 3, 4]);
    expect(stored.trainedOn.examples).toBeGreaterThan(500);
  });

  it('store the heads fused, and read the same as the heads stored one by one', () => {
    const stored = JSON.parse(readFileSync(WEIGHTS, 'utf8')) as StoredModel;
    expect(stored.fused?.file).toBe('router.bin');
    expect(Object.values(stored.heads).every((h) => h.weights === undefined)).toBe(true);
    const fused = loadModel(stored);
    // The heads one by one (the file's layout before), rebuilt from the fused rows.
    const bytes = (a: Int8Array | Float32Array) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const head = (h: LinearHead | undefined) => ({
      ...stored.heads.taskType,
      classes: h!.classes,
      bias: Array.from(h!.bias),
      scale: h!.scale!,
      temperature: h!.temperature,
      link: h!.link,
      weights: bytes(h!.weights).toString('base64'),
    });
    const separate = {
      ...stored,
      fused: undefined,
      heads: {
        taskType: head(fused.taskType),
        complexity: head(fused.complexity),
        tier: head(fused.tier),
        // The set head is stored only when the shipped strategy reads it.
        ...(fused.set ? { set: head(fused.set) } : {}),
      },
    } as unknown as StoredModel;
    const unfused = loadModel(separate);
    // Storing the separate heads again gives the committed files, byte for byte.
    const again = fuseStoredModel(separate);
    expect(Buffer.from(again.bytes).equals(readFileSync(BINARY))).toBe(true);
    expect(again.model.fused).toEqual(stored.fused);
    for (const prompt of [
      'fix the typo in the README',
      'READMEのタイポを直して',
      'why is this slow?',
    ]) {
      const { x } = turnFeatures(prompt, {}, fused.dim);
      expect(headProbabilities(fused, x)).toEqual(headProbabilities(unfused, x));
    }
  });

  it('say what is wrong with a binary file that does not fit the model', () => {
    // One column per class of each stored head: 30 with the set head, 22 without.
    const columns = (m: StoredModel): number =>
      Object.values(m.heads).reduce((n, h) => n + (h ? h.classes.length : 0), 0);
    const stored = JSON.parse(readFileSync(WEIGHTS, 'utf8')) as StoredModel;
    const good = readFileSync(BINARY);
    expect(() => loadModel(stored, () => good.subarray(0, good.length - 30))).toThrow(
      /router\.bin has \d+ bytes, the model says \d+/,
    );
    const short = good.subarray(0, good.length - 7);
    expect(() =>
      loadModel(
        { ...stored, fused: { ...stored.fused!, bytes: short.length, ...sha(short) } },
        () => short,
      ),
    ).toThrow(new RegExp(`are no rows of ${columns(stored)}`));
    // A consistent file with one row fewer than the model was trained with.
    const fewer = good.subarray(0, good.length - columns(stored));
    expect(() =>
      loadModel(
        { ...stored, fused: { ...stored.fused!, bytes: fewer.length, ...sha(fewer) } },
        () => fewer,
      ),
    ).toThrow(/slots marked for|other rows than/);
    const marked = Buffer.from(good);
    marked[0] ^= 1; // one slot more or less marked than rows stored
    expect(() =>
      loadModel({ ...stored, fused: { ...stored.fused!, ...sha(marked) } }, () => marked),
    ).toThrow(/slots marked for \d+ rows/);
    // The right size, damaged or from another training: it would load and route wrongly.
    const damaged = Buffer.from(good);
    damaged[good.length - 1] ^= 0x40;
    expect(() => loadModel(stored, () => damaged)).toThrow(
      /router\.bin is not the file router\.json was trained with/,
    );
    // A model file without a CRC (or a node without zlib.crc32) checks the SHA-256.
    const { crc32: _crc, ...shaOnly } = stored.fused!;
    expect(() => loadModel({ ...stored, fused: shaOnly }, () => damaged)).toThrow(
      /router\.bin is not the file router\.json was trained with/,
    );
    expect(loadModel({ ...stored, fused: shaOnly }, () => good).dim).toBe(65_536);
    expect(stored.fused!.crc32).toBe(crc32(good));
    expect(() =>
      loadModel(stored, () => {
        throw new Error('router weights: router.bin is missing beside /x (run npm run build)');
      }),
    ).toThrow(/missing/);
  });

  // Prompts of the corpus whose label no careful engineer would argue with, one per tier.
  const corpus = parseCorpus(
    readFileSync(new URL('../../data/router/corpus.jsonl', import.meta.url), 'utf8'),
  );
  const sample = (pred: (text: string) => boolean) => corpus.find((e) => pred(e.text!))!;
  it.each([
    ['a lint clean-up', sample((t) => t.startsWith('remove the unused variables eslint'))],
    ['a Japanese ignore-file edit', sample((t) => t.includes('.prettierignore を作って'))],
    ['a library comparison', sample((t) => /^Compare|which .*librar/i.test(t))],
    ['a security audit', sample((t) => /security audit/i.test(t) && t.length > 200)],
  ])('routes %s to an acceptable tier', (_name, ex) => {
    expect(ex, 'sample found in the corpus').toBeDefined();
    const c = classify(ex.text!);
    expect(ex.acceptableTiers).toContain(tierFor(c.baseTaskType, c.complexity));
  });
});

describe('classify (trained, with the session rules on top)', () => {
  it('a vague follow-up continues the task the conversation is on, whatever the heads say', () => {
    for (const previousTaskType of ['debug', 'refactor', 'docs'] as const) {
      for (const prompt of ['ok do it', 'do the same for the other one', '続けて']) {
        const c = classify(prompt, { previousTaskType });
        expect(c.signals).toContain('continues-previous');
        expect(c.baseTaskType).toBe(previousTaskType);
      }
    }
    // Without a conversation the same words are a first prompt.
    expect(classify('ok do it').signals).toContain('no-cue');
  });

  it('says where its verdict comes from and how sure it is', () => {
    const c = classify('fix the typo in the README');
    expect(c.source).toBe('trained');
    expect(c.confidence).toBeGreaterThan(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(c.signals.some((s) => s.startsWith('trained:tier'))).toBe(true);
  });

  it('the task type and complexity it returns route to the tier the model chose', () => {
    for (const p of [
      'READMEの誤字を直して',
      'Which charting library should we use?',
      'Audit our auth for security issues',
    ]) {
      const v = classifyTrained(p);
      const c = classify(p);
      expect(tierFor(c.taskType, c.complexity)).toBe(v.tier);
    }
  });

  it('a conversation above the threshold is long-context, keeping what the prompt asked', () => {
    const c = classify(
      'fix the bug in the parser',
      { conversationTokens: 80_000 },
      { longContextThreshold: 60_000 },
    );
    expect(c.taskType).toBe('long-context');
    expect(c.baseTaskType).not.toBe('long-context');
    expect(c.signals).toContain('conversation:80K>60K');
  });

  it('a retry after a failure is one step harder than the trained verdict on the same facts', () => {
    // The failure is a feature the trained heads read too, so the step is counted from their
    // verdict with that fact, not from a classification without it.
    const facts = { previousTaskType: 'bugfix' as const, followUpOfFailure: true };
    const trained = classifyTrained('still not working', facts, committedModel());
    const again = classify('still not working', facts);
    expect(again.complexity).toBe(Math.min(5, trained.complexity + 1));
    expect(again.signals).toContain('follow-up-of-failure');
  });

  it('a message that is only small talk is chat, whatever the trained heads extrapolate', () => {
    for (const text of ['hello', 'thanks!', 'ok', 'こんにちは', '了解']) {
      expect(classify(text).taskType).toBe('chat');
      expect(classify(text).complexity).toBe(1);
    }
    // A greeting in front of a request is the request.
    expect(classify('hello, fix the typo in README.md').taskType).not.toBe('chat');
  });

  it('never claims certainty: confidence is at most 0.99', () => {
    const corpus = parseCorpus(
      readFileSync(new URL('../../data/router/corpus.jsonl', import.meta.url), 'utf8'),
    );
    const confidences = corpus.slice(0, 300).map((e) => classify(e.text!).confidence);
    expect(Math.max(...confidences)).toBe(0.99);
  });

  it('a huge paste is long-context', () => {
    expect(classify(`what happened?\n${'INFO served in 12ms\n'.repeat(2000)}`).taskType).toBe(
      'long-context',
    );
  });

  it('falls back to the rules when the weights cannot be used', () => {
    const broken = {
      ...committedModel(),
      taskType: { ...committedModel().taskType, weights: new Float32Array(0) },
    };
    const c = classify('fix the typo in the README', {}, {}, broken);
    expect(c.source).toBe('rules');
  });
});
