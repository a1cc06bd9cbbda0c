// Cross-validated evaluation of the trained router: `npx tsx scripts/eval-router.ts`
// (flags: --folds 5, --seed 1, --corpus <jsonl>, --with-overrides <jsonl>,
// --with-agreement <jsonl>, --errors N, --json;
// --model-answers <jsonl> [--ask-below 0.75] [--budget-ms 800] also scores the session's route
// when a model classifier answers below the threshold, from answers scripts/ask-classifier.ts
// recorded).
// Every figure is computed on held-out folds; folds are grouped by source so prompts drawn from
// one issue or article never sit on both sides.
import { TIERS, TIER_NAMES } from '../src/core/tier.js';
import { classifyRules } from '../src/router/rules.js';
import { tierFor } from '../src/router/tier-table.js';
import { committedModel } from '../src/router/trained.js';
import { DEFAULT_ROUTING_TABLE } from '../src/config/schema.js';
import { parseRouterArgs } from './router/cli.js';
import { report, strategyReports, summarise, type Report, type Scored } from './router/evaluate.js';
import { linksOf, outOfFold, prepare } from './router/pipeline.js';
import { nestedReport } from './router/nested.js';
import { isTier } from '../src/core/tier.js';
import { readFileSync } from 'node:fs';
import { parseModelAnswers, withModelAnswers } from './router/model-answers.js';

const opts = parseRouterArgs(process.argv.slice(2));
const { examples: ordered, shared, xs, folds } = prepare(opts);
const examples = ordered.slice(0, shared);
const extra = ordered.slice(shared);
const t0 = performance.now();
const oof = outOfFold(xs, ordered, folds, opts.fit);
const seconds = (performance.now() - t0) / 1000;

// The tier table too is refitted on each training fold: no cell is set by a label it is scored on.
const { reports, best } = strategyReports(ordered, oof, folds, linksOf(opts.fit));
// What the product reads: the committed strategy through the shipped table (which
// test/router/tier-table.test.ts keeps equal to the fit on the whole corpus).
const shippedStrategy = committedModel().strategy;
const shipped = report(ordered, oof, folds, shippedStrategy, linksOf(opts.fit));
// --nested: everything fitted on a grouped inner CV inside each training fold (≈ 5× the time).
const nested = opts.nested
  ? nestedReport(ordered, xs, folds, oof, opts.fit, linksOf(opts.fit), 4, opts.seed, [
      opts.fit,
      ...opts.l2Grid.filter((l2) => l2 !== opts.fit.l2).map((l2) => ({ ...opts.fit, l2 })),
    ])
  : undefined;

// Baselines: the hand-written rules through the old flat table and through the new one.
const baseline = (name: string, tierOf: (i: number) => number): Report =>
  summarise(
    name as Report['strategy'],
    examples.map((ex, i): Scored => {
      const t = tierOf(i);
      const tier = isTier(t) ? t : 1;
      return { ex, tier, correct: ex.acceptableTiers.includes(tier), confidence: 0.5 };
    }),
  );
const rules = examples.map((ex) => classifyRules(ex.text ?? '', ex.facts ?? {}));
reports.push(
  baseline('rules+flat-table' as never, (i) => DEFAULT_ROUTING_TABLE[rules[i]!.taskType]),
);
reports.push(
  baseline('rules+tier-table' as never, (i) => tierFor(rules[i]!.taskType, rules[i]!.complexity)),
);

const pct = (x: number) => (Number.isNaN(x) ? '   –  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
if (opts.json) {
  console.log(
    JSON.stringify(
      reports.map(({ scored: _s, ...r }) => r),
      null,
      2,
    ),
  );
} else {
  const langs = [...new Set(examples.map((e) => e.lang))].sort();
  console.log(
    `router eval: ${examples.length} prompts (${langs.map((l) => `${l} ${examples.filter((e) => e.lang === l).length}`).join(', ')}), ` +
      `${opts.folds}-fold grouped CV over ${new Set(examples.map((e) => e.group)).size} sources` +
      `${extra.length ? `, ${extra.length} overrides and model answers in every training fold` : ''}; ${seconds.toFixed(1)} s\n`,
  );
  console.log(
    `strategy            tier-acc  ${langs.map((l) => `  ${l}   `).join(' ')}  local-recall  ECE`,
  );
  for (const r of reports) {
    console.log(
      `${r.strategy.padEnd(18)} ${pct(r.accuracy)}   ${langs.map((l) => pct(r.byLang[l]?.accuracy ?? NaN)).join(' ')}   ${pct(r.recall[3].recall)}     ${r.strategy.startsWith('rules') ? '  –' : r.ece.toFixed(3)}`,
    );
  }
  console.log(
    `(${shippedStrategy} with the shipped tier table, fitted on the whole corpus: ${pct(shipped.accuracy)}; the rows above use a table refitted on each training fold)`,
  );
  if (nested) {
    console.log(
      `nested (strategy, table, temperatures, calibration${opts.l2Grid.length ? ', L2' : ''} fitted inside each training fold; chosen: ${nested.chosen.join(', ')}${opts.l2Grid.length ? `; L2 ${nested.chosenL2.join(', ')}` : ''}):\n` +
        `                   ${pct(nested.accuracy)}   ${langs.map((l) => pct(nested.byLang[l]?.accuracy ?? NaN)).join(' ')}   ${pct(nested.recall[3].recall)}     ${nested.ece.toFixed(3)}`,
    );
  }
  if (opts.modelAnswers) {
    const answers = parseModelAnswers(readFileSync(opts.modelAnswers, 'utf8'), opts.modelAnswers);
    const m = withModelAnswers(best, answers, { askBelow: opts.askBelow, budgetMs: opts.budgetMs });
    const r = m.report;
    const unused = [
      m.late ? `${m.late} later than ${opts.budgetMs} ms` : '',
      m.missing ? `${m.missing} without a usable answer` : '',
    ].filter(Boolean);
    console.log(
      `\n${best.strategy} + the model classifier below ${opts.askBelow} (${opts.modelAnswers}):\n` +
        `                   ${pct(r.accuracy)}   ${langs.map((l) => pct(r.byLang[l]?.accuracy ?? NaN)).join(' ')}   ${pct(r.recall[3].recall)}\n` +
        `  asked about ${m.asked} of ${r.n} prompts (${pct(m.asked / r.n).trim()}); answered ${m.answered}` +
        `${unused.length ? ` (${unused.join(', ')}: offline route kept)` : ''}; ` +
        `on the answered: offline ${pct(m.offlineAccuracy).trim()}, model ${pct(m.modelAccuracy).trim()}` +
        `${m.otherPrompt ? `\n  ${m.otherPrompt} answers were given to another classifier prompt than the current one` : ''}`,
    );
  }
  const tiersOf = (r: Report) => {
    console.log('per tier (rows: first acceptable tier): n, routed there, acceptable');
    for (const t of TIERS) {
      const x = r.recall[t];
      console.log(
        `  ${t} ${TIER_NAMES[t].padEnd(9)} n=${String(x.n).padStart(4)}  recall ${pct(x.recall)}  acceptable ${pct(x.acceptable)}`,
      );
    }
    console.log('confusion (rows: first acceptable tier, columns: chosen tier)');
    console.log(`        ${TIERS.map((t) => String(t).padStart(5)).join('')}`);
    r.confusion.forEach((row, t) =>
      console.log(`  ${t}     ${row.map((v) => String(v).padStart(5)).join('')}`),
    );
  };
  console.log(`\nbest trained strategy: ${best.strategy}`);
  tiersOf(best);
  if (nested) {
    console.log('\nnested');
    tiersOf(nested);
  }
  if (opts.errors > 0) {
    console.log(`\nmisrouted (first ${opts.errors}):`);
    for (const s of best.scored.filter((x) => !x.correct).slice(0, opts.errors)) {
      console.log(
        `  [${s.ex.id}] ${s.ex.taskType}/${s.ex.complexity ?? '?'} ok=${s.ex.acceptableTiers.join(',')} got=${s.tier} conf=${s.confidence.toFixed(2)}  ${(s.ex.text ?? '').replace(/\s+/g, ' ').slice(0, 110)}`,
      );
    }
  }
}
