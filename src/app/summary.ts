import type { Usage } from '../core/usage.js';

/** The one-line summary `kirikae -p` prints on stderr after an answer. */
export function summaryLine(args: {
  model: string;
  usage: Usage;
  costUsd: number | null;
  tokPerSec?: number;
  durationMs: number;
  stopReason?: string;
}): string {
  const u = args.usage;
  const usd =
    args.costUsd === null
      ? '$? (no price known)'
      : `$${args.costUsd.toFixed(args.costUsd < 0.01 ? 5 : 4)}`;
  const parts = [
    args.model,
    `tokens in ${u.input} / cache read ${u.cacheRead} / cache write ${u.cacheWrite} / out ${u.output}`,
    usd,
    args.tokPerSec === undefined ? '– tok/s' : `${args.tokPerSec.toFixed(1)} tok/s`,
    `${(args.durationMs / 1000).toFixed(2)} s`,
  ];
  if (args.stopReason && args.stopReason !== 'end_turn') parts.push(`stop: ${args.stopReason}`);
  return parts.join(' · ');
}
