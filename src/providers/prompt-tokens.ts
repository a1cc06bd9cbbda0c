import type { ProviderRequest } from '../core/index.js';
import { TokenCounter, countRequest } from '../router/tokens.js';

// The router's own tokenizer, so an estimated input matches what the route card predicted.
// One counter for all calls: it remembers messages it has counted, so a long conversation is
// tokenized once however many calls are cut.
const counter = new TokenCounter();

/** The prompt tokens of a request as kirikae counts them (system, tools and messages). */
export function promptTokens(request: ProviderRequest): number {
  return countRequest(counter, request).total;
}
