// The books of delegation (docs/delegation.md): cost by role, the planner's re-read overhead
// priced on the catalog's one price curve, and delegated against solo tasks of the same type
// by cost per completed task — the verdict "delegation saved $X" or "cost $X more".
import type { PriceOverride } from '../config/schema.js';
import { priceCurve, ratesFor } from '../catalog/price-curve.js';
import { parseModelRef } from '../core/model-ref.js';
import type { CallRecord, CallRole, LedgerRecord, TaskRecord } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import { ZERO_SUM, addUsd, percent, usd, type UsdSum } from '../present/units.js';

/** Which input kinds a planner call's carried executor-result tokens were billed as. */
export interface CarriedSplit {
  input: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Where a planner call's carried tokens sit among its billed input, by how a prompt cache sees
 * a prompt: a result sent before lies in the cached prefix (cache reads first, then writes,
 * then plain input, when the cache had expired); a result sent for the first time lies after
 * it (cache writes first, then plain input). Never more than the call was billed for.
 */
export function splitCarried(record: CallRecord): CarriedSplit {
  const total = record.carriedTokens ?? 0;
  const fresh = Math.min(record.carriedNew ?? 0, total);
  const old = total - fresh;
  const { input, cacheRead, cacheWrite } = record.usage;
  const w2 = Math.min(fresh, cacheWrite);
  const i2 = Math.min(fresh - w2, input);
  const r2 = Math.min(fresh - w2 - i2, cacheRead);
  const r1 = Math.min(old, cacheRead - r2);
  const w1 = Math.min(old - r1, cacheWrite - w2);
  const i1 = Math.min(old - r1 - w1, input - i2);
  return { input: i1 + i2, cacheRead: r1 + r2, cacheWrite: w1 + w2 };
}

/**
 * USD of a planner call's carried tokens at that call's rates (its own long-context step of the
 * model's price curve); null when the model has no known price.
 */
export function carriedUsd(
  record: CallRecord,
  overrides?: Record<string, PriceOverride>,
  at: number = Date.parse(record.ts),
): number | null {
  const split = splitCarried(record);
  if (split.input + split.cacheRead + split.cacheWrite === 0) return 0;
  let curve;
  try {
    curve = priceCurve(parseModelRef(record.model), overrides, at);
  } catch {
    return null;
  }
  const u = record.usage;
  const rates = ratesFor(curve, u.input + u.cacheRead + u.cacheWrite);
  if (!rates) return null;
  // Writes at the call's own mix of 5-minute and 1-hour TTLs.
  const share1h = u.cacheWrite ? Math.min(u.cacheWrite1h ?? 0, u.cacheWrite) / u.cacheWrite : 0;
  const writeRate = (1 - share1h) * rates.cacheWrite + share1h * rates.cacheWrite1h;
  return (
    split.input * rates.input + split.cacheRead * rates.cacheRead + split.cacheWrite * writeRate
  );
}

export interface RoleTotals {
  calls: number;
  usd: UsdSum;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

export interface Overhead {
  /** Executor-result tokens the planner was billed for, over every planner call. */
  tokens: number;
  /** Of those, tokens read again (sent before): the re-reads stubbing could save. */
  rereadTokens: number;
  usd: UsdSum;
}

export interface TaskBooks {
  task: string;
  session: string;
  taskType?: TaskType;
  delegated: boolean;
  roles: Record<CallRole, RoleTotals>;
  overhead: Overhead;
  usd: UsdSum;
  outcome: TaskRecord['outcome'] | 'open';
  firstTs: string;
  lastTs: string;
}

export interface ModeStats {
  tasks: number;
  completed: number;
  /** Completed over ended tasks; null with none ended. */
  successRate: number | null;
  /** Every ended task's known spend over the completed ones (waste included); null: none done. */
  usdPerCompleted: number | null;
}

export interface TaskTypeVerdict {
  taskType: TaskType | 'none';
  delegated: ModeStats;
  solo: ModeStats;
  /** Delegated minus solo cost per completed task; null without both. */
  deltaUsd: number | null;
}

export interface DelegationReport {
  roles: Record<CallRole, RoleTotals>;
  overhead: Overhead;
  tasks: TaskBooks[];
  byTaskType: TaskTypeVerdict[];
}

function zeroRole(): RoleTotals {
  return { calls: 0, usd: ZERO_SUM, input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
}

function zeroRoles(): Record<CallRole, RoleTotals> {
  return { solo: zeroRole(), planner: zeroRole(), executor: zeroRole(), classifier: zeroRole() };
}

function addRole(totals: RoleTotals, r: CallRecord): void {
  totals.calls += 1;
  totals.usd = addUsd(totals.usd, r.costUsd);
  totals.input += r.usage.input;
  totals.cacheRead += r.usage.cacheRead;
  totals.cacheWrite += r.usage.cacheWrite;
  totals.output += r.usage.output;
}

function addOverhead(o: Overhead, r: CallRecord, overrides?: Record<string, PriceOverride>): void {
  if (!r.carriedTokens) return;
  const split = splitCarried(r);
  o.tokens += split.input + split.cacheRead + split.cacheWrite;
  o.rereadTokens += Math.max(0, r.carriedTokens - (r.carriedNew ?? 0));
  o.usd = addUsd(o.usd, carriedUsd(r, overrides));
}

function modeStats(tasks: readonly TaskBooks[]): ModeStats {
  const ended = tasks.filter((t) => t.outcome !== 'open');
  const completed = ended.filter((t) => t.outcome === 'completed').length;
  const spent = ended.reduce((s, t) => s + t.usd.usd, 0);
  return {
    tasks: ended.length,
    completed,
    successRate: ended.length ? completed / ended.length : null,
    usdPerCompleted: completed ? spent / completed : null,
  };
}

export interface BooksOptions {
  overrides?: Record<string, PriceOverride>;
}

/**
 * The delegation books folded one record at a time (a month is streamed from its file, as the
 * month report is): only a running total per task is kept, never the records.
 */
/** What delegationBooks has folded so far (plain data: a checkpoint can keep it). */
export interface BooksState {
  roles: Record<CallRole, RoleTotals>;
  overhead: Overhead;
  tasks: Map<string, TaskBooks>;
  ends: Map<string, TaskRecord['outcome']>;
}

/** With `state` (another books' `state`), goes on from where those books were. */
export function delegationBooks(
  options: BooksOptions = {},
  state: BooksState = {
    roles: zeroRoles(),
    overhead: { tokens: 0, rereadTokens: 0, usd: ZERO_SUM },
    tasks: new Map(),
    ends: new Map(),
  },
): {
  add(record: LedgerRecord): void;
  build(): DelegationReport;
  readonly state: BooksState;
} {
  const { roles, overhead, tasks, ends } = state;
  const add = (r: LedgerRecord): void => {
    const key = `${r.session}\u0000${r.task}`;
    if (r.type === 'task') ends.set(key, r.outcome);
    if (r.type !== 'call') return;
    const role = r.role ?? 'solo';
    addRole(roles[role], r);
    let books = tasks.get(key);
    if (!books) {
      books = {
        task: r.task,
        session: r.session,
        ...(r.taskType ? { taskType: r.taskType } : {}),
        delegated: false,
        roles: zeroRoles(),
        overhead: { tokens: 0, rereadTokens: 0, usd: ZERO_SUM },
        usd: ZERO_SUM,
        outcome: 'open',
        firstTs: r.ts,
        lastTs: r.ts,
      };
      tasks.set(key, books);
    }
    if (role === 'planner' || role === 'executor') books.delegated = true;
    addRole(books.roles[role], r);
    books.usd = addUsd(books.usd, r.costUsd);
    books.lastTs = r.ts;
    if (role === 'planner') {
      addOverhead(books.overhead, r, options.overrides);
      addOverhead(overhead, r, options.overrides);
    }
  };
  const build = (): DelegationReport => {
    for (const [key, outcome] of ends) {
      const books = tasks.get(key);
      if (books) books.outcome = outcome;
    }
    const list = [...tasks.values()];
    const types = new Map<string, TaskBooks[]>();
    for (const t of list) {
      const k = t.taskType ?? 'none';
      // Pushed, not copied: a month has thousands of tasks (copying cost ~0.4 s on 8,000).
      const group = types.get(k);
      if (group) group.push(t);
      else types.set(k, [t]);
    }
    const byTaskType: TaskTypeVerdict[] = [...types].map(([taskType, ts]) => {
      const delegated = modeStats(ts.filter((t) => t.delegated));
      const solo = modeStats(ts.filter((t) => !t.delegated));
      return {
        taskType: taskType as TaskType | 'none',
        delegated,
        solo,
        deltaUsd:
          delegated.usdPerCompleted !== null && solo.usdPerCompleted !== null
            ? delegated.usdPerCompleted - solo.usdPerCompleted
            : null,
      };
    });
    return { roles, overhead, tasks: list, byTaskType };
  };
  return { add, build, state };
}

/** The delegation books of any set of records (a trial run, the router's history). */
export function delegationReport(
  records: Iterable<LedgerRecord>,
  options: BooksOptions = {},
): DelegationReport {
  const books = delegationBooks(options);
  for (const r of records) books.add(r);
  return books.build();
}

/** "delegation saved $0.27" or "delegation cost $0.31 more" (money through units.ts). */
export function verdictText(deltaUsd: number): string {
  return deltaUsd <= 0
    ? `delegation saved ${usd(-deltaUsd)}`
    : `delegation cost ${usd(deltaUsd)} more`;
}

/** A task type's verdict, or why there is none yet. */
export function rowVerdict(row: TaskTypeVerdict): string {
  if (row.deltaUsd !== null) return verdictText(row.deltaUsd);
  if (!row.delegated.completed) return 'no delegated task completed yet';
  return row.solo.tasks ? 'no solo task completed to compare' : 'no solo tasks to compare';
}

/** Ended tasks of each mode the card needs before it warns. */
export const ADVICE_MIN_TASKS = 1;

/**
 * The route card's warning before a delegated turn: when this task type's history says
 * delegating costs more per completed task than solo, or completes less often, the figures;
 * undefined when it does not, or the ledger has too little to say.
 */
export function delegationAdvice(
  history: Iterable<LedgerRecord>,
  taskType: TaskType,
  options: BooksOptions = {},
): string | undefined {
  const row = delegationReport(history, options).byTaskType.find((r) => r.taskType === taskType);
  if (!row) return undefined;
  const { delegated, solo } = row;
  if (delegated.tasks < ADVICE_MIN_TASKS || solo.tasks < ADVICE_MIN_TASKS) return undefined;
  const costlier = row.deltaUsd !== null && row.deltaUsd > 0;
  const lessOften =
    delegated.successRate !== null &&
    solo.successRate !== null &&
    delegated.successRate < solo.successRate;
  if (!costlier && !lessOften) return undefined;
  const parts: string[] = [];
  if (costlier)
    parts.push(
      `delegating ${taskType} tasks cost ${usd(delegated.usdPerCompleted)} per completed task vs ${usd(solo.usdPerCompleted)} solo`,
    );
  if (lessOften)
    parts.push(`completed ${percent(delegated.successRate)} vs ${percent(solo.successRate)} solo`);
  return `${parts.join('; ')} (${delegated.tasks} delegated, ${solo.tasks} solo tasks in the ledger)`;
}

/** What the costs screen shows of delegation (verdicts already worded: the UI formats nothing). */
export interface DelegationSummary {
  planner: UsdSum;
  executor: UsdSum;
  plannerCalls: number;
  executorCalls: number;
  overhead: Overhead;
  verdicts: {
    taskType: TaskType | 'none';
    delegatedUsdPerCompleted: number | null;
    soloUsdPerCompleted: number | null;
    text: string;
  }[];
}

/** The screen's view of the books; undefined for a month without a delegated call. */
export function delegationSummary(report: DelegationReport): DelegationSummary | undefined {
  if (!report.roles.planner.calls && !report.roles.executor.calls) return undefined;
  return {
    planner: report.roles.planner.usd,
    executor: report.roles.executor.usd,
    plannerCalls: report.roles.planner.calls,
    executorCalls: report.roles.executor.calls,
    overhead: report.overhead,
    verdicts: report.byTaskType
      .filter((r) => r.delegated.tasks > 0)
      .map((r) => ({
        taskType: r.taskType,
        delegatedUsdPerCompleted: r.delegated.usdPerCompleted,
        soloUsdPerCompleted: r.solo.usdPerCompleted,
        text: rowVerdict(r),
      })),
  };
}
