// Trains the router's classifier and writes src/router/weights/router.json and the binary file of
// its weights beside it (router.bin):
//   npx tsx scripts/train-router.ts [--with-overrides <dataDir>/router/overrides.jsonl]
//                                   [--with-agreement <dataDir>/router/agreement.jsonl]
// (flags as eval-router: --corpus, --folds, --seed, --dim, --epochs, --l2, --lr, --out).
// Cross-validation first (grouped folds) fits the softmax temperatures, the confidence
// calibration and picks the decision strategy on held-out predictions; then the heads are
// refitted on every example and stored as int8.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { storeHead } from '../src/router/linear.js';
import { fuseStoredModel, type StoredModel } from '../src/router/trained.js';
import { parseRouterArgs } from './router/cli.js';
import {
  allowedFor,
  strategyReports,
  temperaturesFrom,
  probabilitiesAt,
} from './router/evaluate.js';
import { fitPlatt } from './router/fit.js';
import { linksOf, outOfFold, prepare, trainHeads, HEADS } from './router/pipeline.js';
import { decide, readsSetHead } from '../src/router/decide.js';

const opts = parseRouterArgs(process.argv.slice(2));
const { examples: ordered, shared, xs, folds } = prepare(opts);
const examples = ordered.slice(0, shared);
const extra = ordered.slice(shared);
const overrides = extra.filter((e) => e.origin === 'override').length;
const modelAnswers = extra.length - overrides;
const oof = outOfFold(xs, ordered, folds, opts.fit);
const { best } = strategyReports(ordered, oof, folds, linksOf(opts.fit));

const heldOut = folds.flatMap((f) => f.test);
const temperatures = temperaturesFrom(oof, ordered, heldOut, linksOf(opts.fit));
const decisions = heldOut.map((i) =>
  decide(
    probabilitiesAt(oof, i, temperatures, linksOf(opts.fit)),
    best.strategy,
    undefined,
    allowedFor(ordered[i]!),
  ),
);
const calibration = fitPlatt(
  decisions.map((d) => d.p),
  decisions.map((d, j) => ordered[heldOut[j]!]!.acceptableTiers.includes(d.tier)),
);

const heads = trainHeads(
  xs,
  ordered,
  ordered.map((_, i) => i),
  opts.fit,
);
for (const h of HEADS) heads[h].temperature = temperatures[h];
const out = opts.out ?? 'src/router/weights/router.json';
const binary = `${basename(out, '.json')}.bin`;
const { model, bytes } = fuseStoredModel(
  {
    format: 1,
    dim: opts.fit.dim,
    strategy: best.strategy,
    calibration,
    heads: {
      taskType: storeHead(heads.taskType) as StoredModel['heads']['taskType'],
      complexity: storeHead(heads.complexity) as StoredModel['heads']['complexity'],
      tier: storeHead(heads.tier) as StoredModel['heads']['tier'],
      // Stored only when the chosen strategy reads it: 87 KB the others would carry for nothing.
      ...(readsSetHead(best.strategy)
        ? { set: storeHead(heads.set) as NonNullable<StoredModel['heads']['set']> }
        : {}),
    },
    trainedOn: {
      examples: examples.length,
      overrides,
      ...(modelAnswers ? { modelAnswers } : {}),
      // The labelled prompts are held out (test/router/labelled.test.ts) unless --with-labelled.
      corpus: `${opts.corpus ?? 'data/router/corpus.jsonl'}${opts.withLabelled ? ' + test/router/labelled.ts' : ''}`,
      at: new Date().toISOString().slice(0, 10),
    },
  } satisfies StoredModel,
  binary,
);
writeFileSync(join(dirname(out), binary), bytes);
// Written as `prettier --check .` (npm run lint) expects it: with the repository's settings
// (print width 100), which `format` does not read by itself.
const { format, resolveConfig } = await import('prettier');
const config = await resolveConfig(out);
writeFileSync(out, await format(JSON.stringify(model), { ...config, filepath: out }));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(
  `trained on ${ordered.length} examples (${overrides} overrides, ${modelAnswers} model answers); strategy ${best.strategy}: ` +
    `CV tier accuracy ${pct(best.accuracy)}, local recall ${pct(best.recall[3].recall)}; ` +
    `temperatures ${HEADS.map((h) => `${h} ${temperatures[h]}`).join(', ')}; wrote ${out}`,
);
