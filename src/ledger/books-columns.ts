import { CALL_ROLES, type CallRole } from '../core/records.js';
import type { TaskType } from '../core/task.js';
import type { BooksState, Overhead, RoleTotals, TaskBooks } from './delegation.js';

/*
 * The delegation books' running totals per task, checkpointed as columns for the reason
 * task-columns.ts gives: a Map of 8,000 TaskBooks (ten small objects each) took longer to
 * deserialize than the month's whole report. Rebuilt with their fields in delegationBooks'
 * order.
 */

/** What a BooksState checkpoints as. */
export interface BooksColumns {
  roles: BooksState['roles'];
  overhead: Overhead;
  ends: BooksState['ends'];
  keys: string[];
  tasks: string[];
  sessions: string[];
  /** undefined: the books have no taskType field. */
  taskTypes: (TaskType | undefined)[];
  delegated: Uint8Array;
  outcomes: TaskBooks['outcome'][];
  firstTs: string[];
  lastTs: string[];
  /** Per task: each role's 7 numbers (ROLE_NUMBERS), the overhead's 4, the total's 2. */
  numbers: Float64Array;
}

/** delegationBooks' order of the roles (zeroRoles), which JSON output keeps. */
const ROLES = CALL_ROLES;
const ROLE_NUMBERS = 7;
const STRIDE = ROLES.length * ROLE_NUMBERS + 4 + 2;

export function booksColumns(state: BooksState): BooksColumns {
  const n = state.tasks.size;
  const c: BooksColumns = {
    roles: state.roles,
    overhead: state.overhead,
    ends: state.ends,
    keys: [],
    tasks: [],
    sessions: [],
    taskTypes: [],
    delegated: new Uint8Array(n),
    outcomes: [],
    firstTs: [],
    lastTs: [],
    numbers: new Float64Array(n * STRIDE),
  };
  let i = 0;
  for (const [key, books] of state.tasks) {
    c.keys.push(key);
    c.tasks.push(books.task);
    c.sessions.push(books.session);
    c.taskTypes.push(books.taskType);
    c.delegated[i] = books.delegated ? 1 : 0;
    c.outcomes.push(books.outcome);
    c.firstTs.push(books.firstTs);
    c.lastTs.push(books.lastTs);
    let at = i * STRIDE;
    for (const role of ROLES) {
      const r = books.roles[role];
      c.numbers.set(
        [r.calls, r.usd.usd, r.usd.unknown, r.input, r.cacheRead, r.cacheWrite, r.output],
        at,
      );
      at += ROLE_NUMBERS;
    }
    const o = books.overhead;
    c.numbers.set([o.tokens, o.rereadTokens, o.usd.usd, o.usd.unknown, books.usd.usd], at);
    c.numbers[at + 5] = books.usd.unknown;
    i++;
  }
  return c;
}

export function booksOfColumns(c: BooksColumns): BooksState {
  const tasks = new Map<string, TaskBooks>();
  const x = c.numbers;
  for (let i = 0; i < c.keys.length; i++) {
    let at = i * STRIDE;
    const roles = {} as Record<CallRole, RoleTotals>;
    for (const role of ROLES) {
      roles[role] = {
        calls: x[at]!,
        usd: { usd: x[at + 1]!, unknown: x[at + 2]! },
        input: x[at + 3]!,
        cacheRead: x[at + 4]!,
        cacheWrite: x[at + 5]!,
        output: x[at + 6]!,
      };
      at += ROLE_NUMBERS;
    }
    const taskType = c.taskTypes[i];
    tasks.set(c.keys[i]!, {
      task: c.tasks[i]!,
      session: c.sessions[i]!,
      ...(taskType ? { taskType } : {}),
      delegated: c.delegated[i] === 1,
      roles,
      overhead: {
        tokens: x[at]!,
        rereadTokens: x[at + 1]!,
        usd: { usd: x[at + 2]!, unknown: x[at + 3]! },
      },
      usd: { usd: x[at + 4]!, unknown: x[at + 5]! },
      outcome: c.outcomes[i]!,
      firstTs: c.firstTs[i]!,
      lastTs: c.lastTs[i]!,
    });
  }
  return { roles: c.roles, overhead: c.overhead, tasks, ends: c.ends };
}
