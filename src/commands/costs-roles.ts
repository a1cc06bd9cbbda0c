// `kirikae costs --by role`: the delegation books of a month in text, JSON and CSV — planner,
// executor and solo spend, the planner's re-read overhead, and per task type the verdict of
// delegated against solo tasks by cost per completed task (docs/delegation.md).
import { CALL_ROLES } from '../core/records.js';
import { csvLine, table } from '../ledger/format.js';
import {
  rowVerdict,
  verdictText,
  type DelegationReport,
  type ModeStats,
  type RoleTotals,
  type TaskBooks,
} from '../ledger/delegation.js';
import { percent, tokens, usd, usdSum, type UsdSum } from '../present/units.js';

function known(sum: UsdSum): number | null {
  return sum.unknown && sum.usd === 0 ? null : Math.round(sum.usd * 1e6) / 1e6;
}

function roleRow(role: string, t: RoleTotals): string[] {
  return [
    role,
    String(t.calls),
    tokens(t.input),
    tokens(t.cacheRead),
    tokens(t.cacheWrite),
    tokens(t.output),
    usdSum(t.usd),
  ];
}

function modeCells(m: ModeStats): string[] {
  return [String(m.tasks), percent(m.successRate), usd(m.usdPerCompleted)];
}

/** What one delegated task cost against the solo cost per completed task of its type. */
export function taskVerdict(task: TaskBooks, report: DelegationReport): number | null {
  const solo = report.byTaskType.find((r) => r.taskType === (task.taskType ?? 'none'))?.solo;
  if (!solo || solo.usdPerCompleted === null || task.usd.unknown) return null;
  return task.usd.usd - solo.usdPerCompleted;
}

export function rolesText(report: DelegationReport, month: string, file: string): string[] {
  const out = [`Delegation books ${month}  (${file})`, ''];
  out.push(
    ...table(
      ['role', ' calls', ' input', ' cache reads', ' cache writes', ' output', ' cost'],
      CALL_ROLES.map((role) => roleRow(role, report.roles[role])),
    ),
  );
  const o = report.overhead;
  out.push(
    '',
    `planner re-read overhead: ${tokens(o.tokens)} tokens of executor results (${tokens(o.rereadTokens)} read again) · ${usdSum(o.usd)}`,
  );
  const rows = report.byTaskType.filter((r) => r.delegated.tasks > 0);
  if (rows.length) {
    out.push('');
    out.push(
      ...table(
        [
          'task type',
          ' delegated',
          ' done',
          ' $/completed',
          ' solo',
          ' done',
          ' $/completed',
          'verdict',
        ],
        rows.map((r) => [
          r.taskType,
          ...modeCells(r.delegated),
          ...modeCells(r.solo),
          rowVerdict(r),
        ]),
      ),
    );
  }
  const delegated = report.tasks.filter((t) => t.delegated);
  if (delegated.length) {
    out.push('', 'Delegated tasks');
    out.push(
      ...table(
        ['task', 'type', ' planner', ' executor', ' overhead', ' total', 'verdict'],
        delegated.map((t) => {
          const delta = taskVerdict(t, report);
          return [
            t.task,
            t.taskType ?? 'none',
            usdSum(t.roles.planner.usd),
            usdSum(t.roles.executor.usd),
            usdSum(t.overhead.usd),
            usdSum(t.usd),
            delta === null ? '?' : verdictText(delta),
          ];
        }),
      ),
    );
  }
  if (!report.roles.planner.calls)
    out.push('', 'No delegated turns this month (/delegate on, or kirikae -p --delegate).');
  return out;
}

export function rolesJson(report: DelegationReport, month: string) {
  const role = (t: RoleTotals) => ({ ...t, usd: known(t.usd), costKnown: t.usd.unknown === 0 });
  return {
    month,
    roles: Object.fromEntries(CALL_ROLES.map((r) => [r, role(report.roles[r])])),
    overhead: { ...report.overhead, usd: known(report.overhead.usd) },
    byTaskType: report.byTaskType,
    delegatedTasks: report.tasks
      .filter((t) => t.delegated)
      .map((t) => ({
        task: t.task,
        session: t.session,
        taskType: t.taskType ?? null,
        outcome: t.outcome,
        plannerUsd: known(t.roles.planner.usd),
        executorUsd: known(t.roles.executor.usd),
        overheadUsd: known(t.overhead.usd),
        overheadTokens: t.overhead.tokens,
        usd: known(t.usd),
        vsSoloUsd: taskVerdict(t, report),
      })),
  };
}

export function rolesCsv(report: DelegationReport): string[] {
  const header = ['role', 'calls', 'input', 'cache_read', 'cache_write', 'output', 'usd'];
  return [
    csvLine([...header, 'unknown_calls', 'carried_tokens', 'overhead_usd']),
    ...CALL_ROLES.map((role) => {
      const t = report.roles[role];
      const planner = role === 'planner';
      return csvLine([
        role,
        t.calls,
        t.input,
        t.cacheRead,
        t.cacheWrite,
        t.output,
        t.usd.usd,
        t.usd.unknown,
        planner ? report.overhead.tokens : 0,
        planner ? report.overhead.usd.usd : 0,
      ]);
    }),
  ];
}
