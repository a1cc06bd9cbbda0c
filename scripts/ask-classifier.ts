// Measures a real model classifier on the corpus before routing.askModelBelow or
// routing.modelClassifier is changed: asks it about the prompts the trained classifier is least
// sure of (held-out confidence, as eval-router computes it) through the session's own client,
// and writes one answer per prompt for `eval-router --model-answers`:
//   OLLAMA_HOST=… npx tsx scripts/ask-classifier.ts --classifier ollama/qwen3:8b --out answers.jsonl
//   npm run eval:router -- --model-answers answers.jsonl [--ask-below 0.8]
// --classifier takes what routing.modelClassifier takes (auto, ollama/<model>, a cloud
// provider/model with its key in the environment); --ask-below (default the config's default)
// picks the prompts; --timeout (ms, default 10000) bounds one answer; --limit N asks about at
// most N. Cloud answers are paid and not booked in the ledger: the script prints the tokens.
import { mkdtempSync, writeFileSync, appendFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../src/config/file.js';
import { configFile } from '../src/config/paths.js';
import { classify } from '../src/router/classify.js';
import { buildCore } from '../src/wiring/build.js';
import { classifierFor } from '../src/wiring/session-aids.js';
import { parseRouterArgs } from './router/cli.js';
import { strategyReports } from './router/evaluate.js';
import {
  classifierPromptHash,
  textHash,
  wouldAsk,
  type RecordedAnswer,
} from './router/model-answers.js';
import { linksOf, outOfFold, prepare } from './router/pipeline.js';

const opts = parseRouterArgs(process.argv.slice(2));
if (!opts.out) {
  console.error('ask-classifier: --out <answers.jsonl> is required');
  process.exit(2);
}
const out = opts.out;

const { examples, xs, folds } = prepare(opts);
const oof = outOfFold(xs, examples, folds, opts.fit);
// The strategy eval-router scores the answers with: the one training would ship.
const held = strategyReports(examples, oof, folds, linksOf(opts.fit)).best;
// The prompts the session would ask about: the shown confidence below the threshold, no follow-up.
const unsure = held.scored
  .filter((s) => wouldAsk(s, opts.askBelow))
  .sort((a, b) => a.confidence - b.confidence)
  .slice(0, opts.limit);
console.error(
  `${unsure.length} of ${held.n} prompts below ${opts.askBelow} (${held.strategy}); asking ${opts.classifier}…`,
);

// The session's client, as routing.modelClassifier would build it: the user's config with the
// classifier and its time budget replaced, in a folder of its own so nothing is written back.
const configDir = mkdtempSync(join(tmpdir(), 'kirikae-ask-'));
const userConfig = configFile(process.env);
const raw = (existsSync(userConfig) ? readConfigFile(userConfig) : {}) as Record<string, unknown>;
raw.routing = {
  ...(raw.routing as object | undefined),
  modelClassifier: opts.classifier,
  classifierTimeoutMs: Math.min(10_000, opts.timeoutMs),
};
writeFileSync(join(configDir, 'config.json'), JSON.stringify(raw));
const core = buildCore({
  env: { ...process.env, KIRIKAE_CONFIG_DIR: configDir },
  cwd: process.cwd(),
  writeLedger: false,
  sessionId: 'ask-classifier',
  notice: (_level, text) => console.error(text),
});
try {
  if (core.problems.length) console.error(core.problems.join('\n'));
  await core.local.ready(5_000);
  const ask = classifierFor(core);
  writeFileSync(out, '');
  const tokens = { input: 0, output: 0 };
  const counts: Record<string, number> = {};
  for (const [k, s] of unsure.entries()) {
    const text = s.ex.text!;
    const verdict = await ask(text, classify(text, s.ex.facts ?? {}));
    tokens.input += verdict.call?.usage.input ?? 0;
    tokens.output += verdict.call?.usage.output ?? 0;
    counts[verdict.outcome] = (counts[verdict.outcome] ?? 0) + 1;
    const answered = verdict.outcome === 'answered';
    const line: RecordedAnswer = {
      id: s.ex.id,
      textHash: textHash(text),
      promptHash: classifierPromptHash(),
      outcome: verdict.outcome as RecordedAnswer['outcome'],
      ...(answered
        ? {
            taskType: verdict.classification.baseTaskType,
            complexity: verdict.classification.complexity,
          }
        : {}),
      ...(verdict.call ? { model: verdict.call.ref } : {}),
      ms: verdict.ms,
    };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
    if (verdict.why && k === 0) console.error(verdict.why);
    if ((k + 1) % 25 === 0) console.error(`${k + 1}/${unsure.length}`);
  }
  console.error(
    `${out}: ${Object.entries(counts)
      .map(([o, n]) => `${o} ${n}`)
      .join(', ')}; ${tokens.input} input and ${tokens.output} output tokens`,
  );
} finally {
  core.close();
  rmSync(configDir, { recursive: true, force: true });
}
