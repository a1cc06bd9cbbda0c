/*
 * A kirikae process appending to the ledger as fast as it can, through the real store.
 * argv: <ledger dir> <tag> <count | "forever">. Prints "ready" once open, waits for a line on
 * stdin (so several children start together), prints "appending" after the first 100 records.
 */
import { openLedger } from '../../src/ledger/store.js';

const [dir, tag, countArg] = process.argv.slice(2) as [string, string, string];
const count = countArg === 'forever' ? Number.POSITIVE_INFINITY : Number(countArg);
const ledger = openLedger(dir);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  for (let i = 0; i < count; i++) {
    ledger.recordCall({
      v: 1,
      type: 'call',
      ts: '2026-03-15T12:00:00.000Z',
      session: `session-${tag}`,
      task: tag,
      turn: i,
      taskType: 'implement',
      tier: 1,
      model: 'anthropic/claude-sonnet-4-6',
      decision: 'auto',
      fallbackHops: [],
      usage: { input: 1200 + i, output: 300, cacheRead: 40_000, cacheWrite: 0, reasoning: 0 },
      costUsd: 0.0201,
      priceSource: 'catalog',
      priceVersion: 'genai-prices@0.1.8',
      durationMs: 1234,
      outcome: 'ok',
    });
    if (i === 100) process.stdout.write('appending\n');
  }
  ledger.close();
  process.exit(0);
});
