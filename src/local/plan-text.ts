// The residency plan as the route card shows it before anything happens (pure): what loads,
// what unloads and how long each has been idle, what is left, or why it cannot fit.
import { bytes } from '../present/units.js';
import type { ResidencyPlan } from './planner.js';
import type { EnsureResult } from './residency.js';

export interface PlanDescription {
  /** Ollama host URL, when the caller names it (several hosts). */
  host?: string;
  /** What gets loaded; undefined when the model is resident already (or a cloud model). */
  loads?: { model: string; bytes: number; numCtx?: number };
  unloads: { model: string; bytes: number; idleMinutes?: number }[];
  /** Budget left once the plan is carried out. */
  leftBytes: number;
  fits: boolean;
  /** Why it does not fit (pinned or busy models, more than the budget, too many models). */
  reason?: string;
  /** What Ollama would drop by itself if kirikae unloaded nothing first. */
  ollamaWouldDrop: string[];
}

export function describePlan(
  plan: ResidencyPlan,
  opts: { model: string; numCtx?: number; now: number; host?: string },
): PlanDescription {
  return {
    ...(opts.host ? { host: opts.host } : {}),
    ...(plan.alreadyResident
      ? {}
      : {
          loads: {
            model: opts.model,
            bytes: plan.wantBytes,
            ...(opts.numCtx ? { numCtx: opts.numCtx } : {}),
          },
        }),
    unloads: plan.unloads.map((u) => ({
      model: u.name,
      bytes: u.bytes,
      // Models another client loaded carry no last use of ours (see ResidencyManager).
      ...(u.lastUsedAt > 0 && u.lastUsedAt <= opts.now
        ? { idleMinutes: Math.floor((opts.now - u.lastUsedAt) / 60_000) }
        : {}),
    })),
    leftBytes: plan.leftBytes,
    fits: plan.fits,
    ...(plan.fits ? {} : { reason: plan.reason }),
    ollamaWouldDrop: plan.ollamaWouldDrop,
  };
}

/** Whole GiB from 10 up, one decimal below: "19 GiB", "5.2 GiB". */
const size = (n: number) => bytes(n, Math.abs(n) >= 10 * 1024 ** 3 ? 0 : 1);

/** "loads qwen3-coder:30b 19 GiB · unloads qwen3:8b (idle 12 min) · 6 GiB left". */
export function planLine(d: PlanDescription): string {
  if (!d.fits) return `does not fit: ${d.reason ?? 'over the memory budget'}`;
  const parts: string[] = [];
  parts.push(d.loads ? `loads ${d.loads.model} ${size(d.loads.bytes)}` : 'already loaded');
  if (d.unloads.length) {
    const list = d.unloads.map((u) =>
      u.idleMinutes === undefined ? u.model : `${u.model} (idle ${u.idleMinutes} min)`,
    );
    parts.push(`unloads ${list.join(', ')}`);
  }
  parts.push(`${size(Math.max(0, d.leftBytes))} left`);
  if (d.host) parts.push(`on ${d.host}`);
  return parts.join(' · ');
}

/** 32768 → "32K": context sizes as the screens and the CLI print them. */
export const ctxLabel = (n: number): string => (n >= 1024 ? `${Math.round(n / 1024)}K` : String(n));

/** What a load did, in one sentence ("Loaded qwen3:8b at 32K context in 2.1 s; unloaded …"). */
export function describeEnsure(model: string, result: EnsureResult): string {
  const { numCtx } = result;
  const unloaded = result.unloaded.length ? `; unloaded ${result.unloaded.join(', ')}` : '';
  switch (result.status) {
    case 'already_resident':
      return `${model} is already loaded at ${ctxLabel(numCtx)} context`;
    case 'loaded':
      return `Loaded ${model} at ${ctxLabel(numCtx)} context in ${result.loadSeconds.toFixed(1)} s${unloaded}`;
    case 'does_not_fit':
      return `${model} does not fit: ${result.plan.reason}`;
  }
}
