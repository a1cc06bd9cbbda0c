import type { CallRecord } from '../core/records.js';
import { KirikaeError } from '../core/errors.js';
import type { TaskType } from '../core/task.js';
import { ZERO_USAGE } from '../core/usage.js';
import { usd } from '../present/units.js';
import type { ClassifierCall, ModelVerdict } from '../router/model-classify.js';
import type { ModelCallFacts } from './turn-ledger.js';

/**
 * The model classifier's call as the ledger books it: a call like any other (priced on its own
 * usage, on the task and turn it was made for), with the role `classifier` so reports can tell
 * it from the turn's own calls. A call cut off by the time budget or an early accept was still
 * sent: it is booked as aborted, its input estimated.
 */
export function classifierCallFacts(
  call: ClassifierCall,
  at: { task: string; turn: number; taskType?: TaskType },
): ModelCallFacts {
  const error =
    call.outcome === 'timeout' || call.outcome === 'cancelled'
      ? new KirikaeError('aborted', `the model classifier was stopped (${call.outcome})`)
      : call.outcome === 'error'
        ? new KirikaeError(call.errorKind ?? 'network', 'the model classifier failed')
        : undefined;
  return {
    task: at.task,
    turn: at.turn,
    ...(at.taskType ? { taskType: at.taskType } : {}),
    model: call.ref,
    tier: null,
    decision: 'auto',
    fallbackHops: [],
    usage: {
      ...ZERO_USAGE,
      input: call.usage.input,
      output: call.usage.output,
      ...(call.usage.estimated ? { estimated: true } : {}),
    },
    ...(call.host ? { host: call.host } : {}),
    metrics: { durationMs: call.ms },
    ...(error ? { error } : {}),
    role: 'classifier',
  };
}

/** "model qwen3:8b · 412 ms · $0 local" once the model classifier answered; why not, when it did not. */
export function verdictLine(verdict: ModelVerdict, booked?: CallRecord): string | undefined {
  const price = !booked
    ? ''
    : booked.model.startsWith('ollama/')
      ? ' · local, $0'
      : ` · ${booked.costUsd === null ? 'unpriced' : usd(booked.costUsd)}`;
  if (verdict.outcome === 'answered')
    return `model ${verdict.model ?? 'classifier'} · ${verdict.ms} ms${price}`;
  if (verdict.outcome === 'timeout') {
    // A dropped model is named: the user may unload it or name another classifier.
    const who =
      (verdict.dropped && verdict.call?.ref.replace(/^ollama\//, '')) || 'the model classifier';
    return `${who} did not answer in ${verdict.ms} ms${price}${verdict.dropped ? ' · not asked again' : ''}`;
  }
  if (verdict.outcome === 'invalid')
    return `the model classifier's answer did not fit the schema${price}`;
  // A named classifier that cannot answer (no key) is worth a line; "no small model resident"
  // under `auto` is the usual state of a machine without one, on one card in four.
  if (verdict.outcome === 'unavailable') return verdict.why;
  return undefined;
}
