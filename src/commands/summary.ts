import type { Usage } from '../core/usage.js';
import { seconds, tokPerSec, usdSum, type UsdSum } from '../present/units.js';

/** The one-line summary `kirikae -p` prints on stderr after an answer. */
export function summaryLine(args: {
  model: string;
  usage: Usage;
  cost: UsdSum;
  tokPerSec?: number;
  durationMs: number;
  stopReason?: string;
}): string {
  const u = args.usage;
  const cost = usdSum(args.cost);
  const parts = [
    args.model,
    `tokens in ${u.input} / cache read ${u.cacheRead} / cache write ${u.cacheWrite} / out ${u.output}`,
    args.cost.unknown && !args.cost.usd ? `${cost} (no price known)` : cost,
    // A short answer gives no rate worth quoting: said by leaving it out, not by "? tok/s".
    ...(args.tokPerSec !== undefined ? [tokPerSec(args.tokPerSec)] : []),
    seconds(args.durationMs / 1000),
  ];
  if (args.stopReason && args.stopReason !== 'end_turn') parts.push(`stop: ${args.stopReason}`);
  return parts.join(' · ');
}
