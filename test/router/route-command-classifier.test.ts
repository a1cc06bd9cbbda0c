import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runRoute, type RouteKit } from '../../src/commands/route.js';
import type { CallRecord } from '../../src/core/records.js';
import {
  modelClassify,
  type AskedModel,
  type ClassifierCall,
  type ClassifierClient,
} from '../../src/router/model-classify.js';
import { route } from '../../src/router/route.js';
import type { Classification } from '../../src/router/types.js';
import { TurnLedger } from '../../src/session/turn-ledger.js';
import { classifierCallFacts } from '../../src/session/classifier-call.js';
import { seedConfig } from '../fixtures/seed-config.js';
import { ctx } from './helpers.js';
import { unsureClassification } from '../fixtures/classifier.js';

const offline = unsureClassification;

describe('kirikae route: the classifier’s source, confidence and the call it made', () => {
  const config = seedConfig();
  const booked: CallRecord[] = [];
  // Routing with a fixed, unsure offline classification, so the test does not hang on weights.
  const kit = (client?: ClassifierClient, settings = config): RouteKit => ({
    config: () => settings,
    routing: {
      context: () => ctx({}, settings),
      decide: (r) =>
        route({ ...r, classification: r.classification ?? offline() }, ctx({}, settings)),
    },
    ...(client
      ? {
          classify: (prompt: string, base: Classification) =>
            modelClassify(prompt, base, { client, always: true }),
          // The wiring's booking: the turn ledger prices and appends the classifier's call.
          book: (call: ClassifierCall) =>
            new TurnLedger({
              config: () => settings,
              session: 'route',
              append: (record) => booked.push(record as CallRecord),
            }).recordCall(classifierCallFacts(call, { task: 'route', turn: 0 })),
        }
      : {}),
  });
  /** A client that answers `research` c2 as `asked` names it, with the usage it counted. */
  const answeringAs = (
    asked: AskedModel,
    model: string,
    usage: { input: number; output: number },
  ): ClassifierClient => ({
    classify: async (_prompt, _schema, _signal, tell) => {
      tell?.(asked);
      return { taskType: 'research', complexity: 2, confidence: 0.8, model, usage };
    },
  });
  // As the Ollama client returns it: /api/chat with `format` = the JSON schema answers with
  // message.content holding matching JSON (ollama docs/api.md, "Structured outputs"); the client
  // parses it and adds the model's name and the counts of api/types.go Metrics
  // (prompt_eval_count, eval_count).
  const answering = answeringAs(
    { ref: 'ollama/qwen3:8b', host: 'http://127.0.0.1:11434' },
    'qwen3:8b',
    { input: 412, output: 21 },
  );
  // A cloud classifier (Haiku) answering through the forced tool call: the usage is the
  // message's (Anthropic Messages API `usage.input_tokens` / `output_tokens`).
  const haiku = answeringAs({ ref: 'anthropic/claude-haiku-4-5' }, 'claude-haiku-4-5', {
    input: 1000,
    output: 40,
  });
  async function run(args: { tier?: number; json?: boolean }, k: RouteKit) {
    let text = '';
    const stdout = new PassThrough();
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runRoute(
      { prompt: 'hmm, and the other thing', json: args.json ?? true, ...args },
      k,
      { stdout, stderr: new PassThrough(), env: {} },
    );
    expect(code).toBe(0);
    return text;
  }
  const json = async (args: { tier?: number }, k: RouteKit) =>
    JSON.parse(await run(args, k)) as {
      classifier: {
        source: string;
        confidence: number;
        model?: { model: string; outcome: string; costUsd: number | null };
      };
      taskType: string;
    };

  it('trained when no model is asked', async () => {
    expect((await json({}, kit())).classifier).toEqual({ source: 'trained', confidence: 0.42 });
  });

  it('model when the model classifier answered, with the merged confidence and its call', async () => {
    booked.length = 0;
    const out = await json({}, kit(answering));
    expect(out.classifier).toMatchObject({ source: 'model', confidence: 0.72 });
    expect(out.classifier.model).toMatchObject({
      model: 'ollama/qwen3:8b',
      outcome: 'answered',
      costUsd: 0,
    });
    expect(out.taskType).toBe('research');
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({
      role: 'classifier',
      model: 'ollama/qwen3:8b',
      host: 'http://127.0.0.1:11434',
      usage: { input: 412, output: 21 },
      outcome: 'ok',
      tier: null,
    });
  });

  it('a cloud classifier is priced on its usage, and the text output says what it cost', async () => {
    booked.length = 0;
    const text = await run({ json: false }, kit(haiku));
    expect(booked).toHaveLength(1);
    const cost = booked[0]!.costUsd;
    // Priced on the one price table: Haiku's input and output rates times the counts.
    expect(cost).toBeGreaterThan(0);
    expect(booked[0]!.priceSource).toBe('catalog');
    expect(text).toMatch(/classifier {2}model claude-haiku-4-5 · \d+ ms · \$0\.00\d+/);
  });

  /** `answering`, counting how often it is asked. */
  const counting = () => {
    const counter = { asked: 0 };
    const client: ClassifierClient = {
      classify: async (...a) => {
        counter.asked++;
        return answering.classify(...a);
      },
    };
    return { client, counter };
  };

  it('override when the user forced the tier (and the model is not asked)', async () => {
    const { client, counter } = counting();
    const out = await json({ tier: 0 }, kit(client));
    expect(out.classifier.source).toBe('override');
    expect(counter.asked).toBe(0);
  });

  it('routing.modelClassifier off: nobody is asked', async () => {
    const { client, counter } = counting();
    const off = { ...config, routing: { ...config.routing, modelClassifier: 'off' as const } };
    const out = await json({}, kit(client, off));
    expect(out.classifier.source).toBe('trained');
    expect(counter.asked).toBe(0);
  });
});
