import type { StreamWarning } from '../core/index.js';

/**
 * kirikae counts with o200k, the model with its own tokenizer, and the chat template adds its
 * own markers: below these margins a difference is counting noise, not dropped context.
 */
const MIN_SHARE_OF_CTX = 0.8;
const MIN_DROPPED_SHARE = 0.1;
const MIN_DROPPED_TOKENS = 64;

/**
 * Ollama answers 200 OK when the prompt exceeds num_ctx, after dropping the oldest messages
 * (system messages and the last message kept; server/prompt.go chatPrompt, truncate defaulting
 * to true). prompt_eval_count counts the whole prompt it evaluated, cached tokens included, so
 * a count well below what was sent, for a prompt near or over num_ctx, means context was lost.
 */
export function detectTruncation(
  sentTokens: number,
  promptEvalCount: number | undefined,
  numCtx: number,
): StreamWarning | undefined {
  if (promptEvalCount === undefined || promptEvalCount <= 0) return undefined;
  if (sentTokens < numCtx * MIN_SHARE_OF_CTX) return undefined;
  const dropped = sentTokens - promptEvalCount;
  if (dropped < MIN_DROPPED_TOKENS || dropped < sentTokens * MIN_DROPPED_SHARE) return undefined;
  return {
    kind: 'context_truncated',
    sentTokens,
    promptTokens: promptEvalCount,
    droppedTokens: dropped,
    numCtx,
    message: `Ollama dropped ~${dropped} tokens of context: num_ctx ${numCtx} is too small for this conversation`,
  };
}
