import type { CallRecord, LedgerRecord, TaskRecord } from '../core/records.js';
import type { Tier } from '../core/tier.js';
import { totalInput } from '../core/usage.js';
import { projectMonthEnd } from './projection.js';
import {
  byCallsDesc,
  disagrees,
  latencyRow,
  semanticCacheReport,
  share,
  type BilledDisagreementRow,
  type LatencyRow,
  type MonthReport,
  type MonthReportOptions,
} from './report-types.js';
import { NumberList, ratio } from './stats.js';
import {
  addTaskCall,
  endTask,
  newTaskCost,
  newTaskCostOfCall,
  perCompletedTask,
  topTasks,
  type TaskCost,
} from './task-costs.js';
import {
  taskColumns,
  tasksOfColumns,
  unpackTurns,
  type TaskColumns,
  type TaskEntry,
} from './task-columns.js';
import { isoInMonth, isoWeek, monthDays, utcIso } from './time.js';
import {
  addCall,
  byKeyOrder,
  byUsdDesc,
  emptyTotals,
  isLocalModel,
  providerOf,
  rollUp,
  rowOf,
  type GroupRow,
} from './totals.js';

/*
 * The one month report builder: each record is folded in as it is parsed (or read from an
 * array), and dropped. test/ledger/oracle.ts holds the reference definition, one plain pass per
 * report, and the tests check this equals it on generated months.
 */

interface ModelEntry {
  row: GroupRow;
  provider: GroupRow;
  local: boolean;
  /** Successful calls' durations and speeds, for the latency table. */
  durations: NumberList;
  speeds: NumberList;
}

interface Counts {
  turns: number;
  localTurns: number;
  localCalls: number;
  /** Calls the local share counts: all but the model classifier's. */
  shareCalls: number;
  localTokens: number;
  allTokens: number;
  cacheRead: number;
  cloudInput: number;
  semanticHits: number;
  semanticSavedUsd: number;
  semanticUnpriced: number;
}

function emptyCounts(): Counts {
  return {
    turns: 0,
    localTurns: 0,
    localCalls: 0,
    shareCalls: 0,
    localTokens: 0,
    allTokens: 0,
    cacheRead: 0,
    cloudInput: 0,
    semanticHits: 0,
    semanticSavedUsd: 0,
    semanticUnpriced: 0,
  };
}

type ModelStateEntry = Omit<ModelEntry, 'durations' | 'speeds'> & {
  durations: Float64Array;
  speeds: Float64Array;
};

/** A MonthReportBuilder's fold so far (MonthReportBuilder.snapshot). */
export interface MonthReportState {
  all: ReturnType<typeof emptyTotals>;
  days: Map<string, GroupRow>;
  tiers: Map<string, GroupRow>;
  models: Map<string, ModelStateEntry>;
  providers: Map<string, GroupRow>;
  taskTypes: Map<string, GroupRow>;
  /** Columns rather than the Map of entries: see task-columns.ts. */
  tasks: TaskColumns;
  counts: Counts;
  disagreements: BilledDisagreementRow[];
}

const TURN_BITS = 30;

function hasBit(turn: number): boolean {
  return turn >>> 0 === turn && turn < TURN_BITS;
}

function isLocalTurn(task: TaskEntry, turn: number): boolean {
  return hasBit(turn) ? (task.localBits & (1 << turn)) !== 0 : task.localHigh?.[turn] === true;
}

function setLocalTurn(task: TaskEntry, turn: number, local: boolean): void {
  if (!hasBit(turn)) (task.localHigh ??= [])[turn] = local;
  else if (local) task.localBits |= 1 << turn;
  else task.localBits &= ~(1 << turn);
}

function digitAt(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * Every report for one month, built one record at a time: `add` each record (records of other
 * months are ignored), then `build` once. What `monthReport` does over an array, and
 * what a streamed read does as each line is parsed, so no array of records is ever needed.
 *
 * It gives exactly what the oracle (test/ledger/oracle.ts: filter the month, then totals,
 * groupCalls, taskCosts, localShare, cacheHitRate and latencyByModel one after the other)
 * gives, as the tests check, in one walk over the records: for a month of 100,000 records the
 * separate passes, each with its own string keys and maps, cost ~3 times as much. Calls are
 * added in record order, as the passes do, so even the float sums come out bit for bit equal.
 */
export class MonthReportBuilder {
  private all = emptyTotals();
  private days = new Map<string, GroupRow>();
  /** Day rows by the day-of-month digits, so the common case needs no key string per call. */
  private readonly dayByNumber: (GroupRow | undefined)[] = [];
  private tiers = new Map<string, GroupRow>();
  /** Tier rows by tier number + 1 ('none' at 0), for the same reason. */
  private readonly tierByNumber: (GroupRow | undefined)[] = [];
  private models = new Map<string, ModelEntry>();
  private providers = new Map<string, GroupRow>();
  private taskTypes = new Map<string, GroupRow>();
  private tasks = new Map<string, TaskEntry>();
  private counts: Counts = emptyCounts();
  private disagreements: BilledDisagreementRow[] = [];

  /** With `state` (a `snapshot` of a builder of the same month), goes on from where it was. */
  constructor(
    private readonly options: MonthReportOptions,
    state?: MonthReportState,
  ) {
    if (!state) return;
    ({
      all: this.all,
      days: this.days,
      tiers: this.tiers,
      providers: this.providers,
      taskTypes: this.taskTypes,
      counts: this.counts,
      disagreements: this.disagreements,
    } = state);
    this.tasks = tasksOfColumns(state.tasks);
    for (const [key, entry] of state.models) {
      this.models.set(key, {
        ...entry,
        durations: NumberList.of(entry.durations),
        speeds: NumberList.of(entry.speeds),
      });
    }
  }

  /**
   * Everything folded in so far, as plain data (maps, arrays, typed arrays) that v8.serialize
   * keeps whole, shared rows included. It shares objects with the builder: serialize it before
   * `add` or `build` is called again.
   */
  snapshot(): MonthReportState {
    const models = new Map<string, ModelStateEntry>();
    for (const [key, entry] of this.models) {
      models.set(key, {
        ...entry,
        durations: entry.durations.values(),
        speeds: entry.speeds.values(),
      });
    }
    return {
      all: this.all,
      days: this.days,
      tiers: this.tiers,
      models,
      providers: this.providers,
      taskTypes: this.taskTypes,
      tasks: taskColumns(this.tasks),
      counts: this.counts,
      disagreements: this.disagreements,
    };
  }

  add(record: LedgerRecord): void {
    const iso = utcIso(record.ts);
    if (!isoInMonth(iso, this.options.month)) return;
    if (record.type === 'task') {
      // Only what endTask reads: the record itself would triple a checkpoint's size per task.
      const { outcome, tier, taskType } = record;
      this.taskEntry(record).end = { outcome, tier, taskType };
      return;
    }
    if (record.type === 'cache_hit') {
      this.counts.semanticHits += 1;
      if (record.savedUsd === null) this.counts.semanticUnpriced += 1;
      else this.counts.semanticSavedUsd += record.savedUsd;
      return;
    }
    if (record.type !== 'call') return;
    const call = record;
    const usage = call.usage;
    const model = this.modelEntry(call.model);

    addCall(this.all, call);
    addCall(this.dayRow(iso), call);
    addCall(this.tierRow(call.tier), call);
    addCall(model.row, call);
    addCall(model.provider, call);
    addCall(rowOf(this.taskTypes, call.taskType ?? 'none'), call);

    const task = this.taskEntry(call);
    addTaskCall(task.cost, call);
    // The model classifier's calls route a turn, they do not answer it: left out of the local
    // share (timed-out local classifier calls made a month of cloud turns read 47 % local).
    if (call.role !== 'classifier') {
      // The turn's last call so far decides whether it counts as local (LocalShare.turns).
      const lastTs = (task.lastTs ??= task.packedTs ? unpackTurns(task.packedTs) : []);
      const turn = call.turn;
      const prevTs = lastTs[turn];
      if (prevTs === undefined || call.ts >= prevTs) {
        if (prevTs === undefined) this.counts.turns += 1;
        else if (isLocalTurn(task, turn)) this.counts.localTurns -= 1;
        if (model.local) this.counts.localTurns += 1;
        lastTs[turn] = call.ts;
        setLocalTurn(task, turn, model.local);
      }
      const tokens = totalInput(usage) + usage.output;
      this.counts.shareCalls += 1;
      this.counts.allTokens += tokens;
      if (model.local) {
        this.counts.localCalls += 1;
        this.counts.localTokens += tokens;
      }
    }
    if (!model.local) {
      this.counts.cacheRead += usage.cacheRead;
      this.counts.cloudInput += totalInput(usage);
    }
    if (call.outcome === 'ok') {
      model.durations.push(call.durationMs);
      if (call.tokPerSec !== undefined) model.speeds.push(call.tokPerSec);
    }
    const billed = call.billedDisagreement;
    if (billed !== undefined && disagrees(billed)) {
      this.disagreements.push({
        ts: call.ts,
        task: call.task,
        model: call.model,
        costUsd: call.costUsd,
        reportedUsd: billed.reportedUsd,
        tableUsd: billed.tableUsd,
      });
    }
  }

  build(): MonthReport {
    const { month } = this.options;
    const costs: TaskCost[] = [];
    for (const { cost, end } of this.tasks.values()) {
      if (end) endTask(cost, end);
      costs.push(cost);
    }
    const byDay = [...this.days.values()].sort(byKeyOrder);
    const byUsd = (rows: Iterable<GroupRow>): GroupRow[] => [...rows].sort(byUsdDesc);
    const modelEntries = [...this.models.values()];
    const latency: LatencyRow[] = [];
    for (const entry of modelEntries) {
      if (entry.durations.length > 0) {
        latency.push(latencyRow(entry.row.key, entry.durations.values(), entry.speeds.values()));
      }
    }
    const dayUsd = new Map(byDay.map((row) => [row.key, row.usd]));
    const series = monthDays(month).map((day) => ({ day, usd: dayUsd.get(day) ?? 0 }));
    const dailyUsd = Object.fromEntries(series.map((d) => [d.day, d.usd]));
    return {
      month,
      totals: this.all,
      dailySeries: series,
      byDay,
      byWeek: rollUp(byDay, isoWeek),
      byTier: byUsd(this.tiers.values()),
      byModel: byUsd(modelEntries.map((entry) => entry.row)),
      byProvider: byUsd(this.providers.values()),
      byTaskType: byUsd(this.taskTypes.values()),
      perCompletedTask: perCompletedTask(costs),
      localShare: {
        turns: share(this.counts.localTurns, this.counts.turns),
        calls: share(this.counts.localCalls, this.counts.shareCalls),
        tokens: share(this.counts.localTokens, this.counts.allTokens),
      },
      cacheHitRate: {
        rate: ratio(this.counts.cacheRead, this.counts.cloudInput),
        cacheReadTokens: this.counts.cacheRead,
        inputTokens: this.counts.cloudInput,
      },
      semanticCache: semanticCacheReport(
        this.counts.semanticHits,
        this.counts.turns,
        this.counts.semanticSavedUsd,
        this.counts.semanticUnpriced,
      ),
      latency: latency.sort(byCallsDesc),
      projection: projectMonthEnd({
        month,
        now: this.options.now,
        budgetUsd: this.options.budgetUsd,
        dailyUsd,
        history: this.options.history,
      }),
      topTasks: topTasks(costs),
      billedDisagreements: this.disagreements,
    };
  }

  private taskEntry(record: CallRecord | TaskRecord): TaskEntry {
    let entry = this.tasks.get(record.task);
    if (!entry) {
      entry = {
        cost:
          record.type === 'call'
            ? newTaskCostOfCall(record)
            : newTaskCost(record.task, record.session, record.ts),
        end: undefined,
        lastTs: undefined,
        packedTs: undefined,
        localBits: 0,
        localHigh: undefined,
      };
      this.tasks.set(record.task, entry);
    }
    if (record.ts > entry.cost.lastTs) entry.cost.lastTs = record.ts;
    return entry;
  }

  private dayRow(iso: string): GroupRow {
    const tens = digitAt(iso, 8);
    const ones = digitAt(iso, 9);
    if (this.options.month.length !== 7 || iso.charCodeAt(7) !== 45 || tens < 0 || ones < 0) {
      return rowOf(this.days, iso.slice(0, 10));
    }
    // In the month, the key is the month, '-' and these two digits: the same row every time.
    return (this.dayByNumber[tens * 10 + ones] ??= rowOf(this.days, iso.slice(0, 10)));
  }

  private tierRow(tier: Tier | null): GroupRow {
    const n = tier === null ? 0 : tier + 1;
    return (this.tierByNumber[n] ??= rowOf(this.tiers, tier === null ? 'none' : String(tier)));
  }

  private modelEntry(model: string): ModelEntry {
    let entry = this.models.get(model);
    if (!entry) {
      entry = {
        row: { key: model, ...emptyTotals() },
        provider: rowOf(this.providers, providerOf(model)),
        local: isLocalModel(model),
        durations: new NumberList(),
        speeds: new NumberList(),
      };
      this.models.set(model, entry);
    }
    return entry;
  }
}

/** Every report for one month. Records of other months are ignored. */
export function monthReport(
  records: readonly LedgerRecord[],
  options: MonthReportOptions,
): MonthReport {
  const builder = new MonthReportBuilder(options);
  for (const record of records) builder.add(record);
  return builder.build();
}
