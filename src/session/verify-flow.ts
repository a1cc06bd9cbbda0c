import type { Config } from '../config/schema.js';
import type { Tier } from '../core/tier.js';
import {
  describeEscalation,
  proposeEscalation,
  changedSince,
  resolveVerifyCommand,
  runVerify,
  workspaceStamps,
  verifyGate,
  type ApprovalFn,
  type PermissionGate,
  type Escalation,
  type TierEstimate,
  type VerifyResult,
  type WorkspaceStamps,
} from '../agent/index.js';
import { seconds } from '../present/units.js';

/** The test gate's outcome as the transcript shows it. */
export interface GateOutcome {
  command: string;
  result: VerifyResult;
  /** One line: "npm test passed (4.2 s)" or "npm test failed". */
  line: string;
}

/** What a turn changed, as the test gate needs it. */
export interface TurnChanges {
  /** The file tools' paths and those a shell changed (as far as they can be seen). */
  paths: string[];
  /** Whether to run the gate: a path changed, or a shell ran where not every change is seen. */
  changed: boolean;
}

/** The test gate's watch over one turn: `beforeShell` goes to the agent loop, `after` after it. */
export interface TurnWatch {
  beforeShell: () => Promise<void>;
  after: (agent: {
    filesChanged: readonly string[];
    commandsRun: number;
    writingCommands: number;
  }) => Promise<TurnChanges>;
}

/**
 * Watches a turn for changes the file tools do not report (a shell's `sed -i`, `printf > x`).
 * The workspace is stamped when the turn's first shell command is about to run, and again after
 * the turn: a turn without one reads nothing. In a git repository every changed path is seen,
 * whatever the command; outside one, the files that define the test command are, and a shell
 * command not known only to read counts as a change (the tests decide). Without a test command
 * there is nothing to gate.
 */
export function watchTurnChanges(config: Config, cwd: string): TurnWatch {
  const command = resolveVerifyCommand(config.verify.command, cwd);
  let before: Promise<WorkspaceStamps> | undefined;
  return {
    beforeShell: async () => {
      if (command) await (before ??= workspaceStamps(cwd, command));
    },
    after: async ({ filesChanged, commandsRun, writingCommands }) => {
      // Without a shell (or a command to gate), what else changed meanwhile (a dev server's
      // log, the user's own save) is not the turn's.
      if (!command || !before || commandsRun === 0)
        return { paths: [...filesChanged], changed: filesChanged.length > 0 };
      const earlier = await before;
      const after = await workspaceStamps(cwd, command, earlier);
      const paths = [...new Set([...filesChanged, ...changedSince(earlier, after)])];
      return { paths, changed: paths.length > 0 || (!after.git && writingCommands > 0) };
    },
  };
}

/**
 * Runs the project's test command after a turn that changed files (the configured one, else the
 * detected one); undefined when the project has none.
 */
export async function runTestGate(args: {
  config: Config;
  cwd: string;
  signal?: AbortSignal;
  /** What the turn changed: a rewritten package.json makes the command the model's. */
  filesChanged: readonly string[];
  permissions: PermissionGate;
  approve: ApprovalFn;
}): Promise<GateOutcome | { command: string; skipped: string } | undefined> {
  const command = resolveVerifyCommand(args.config.verify.command, args.cwd);
  if (!command) return undefined;
  const gate = verifyGate({
    command,
    filesChanged: args.filesChanged,
    mode: args.permissions.mode,
  });
  if (gate.action === 'ask') {
    const answer = await args.approve({
      tool: 'verify',
      args: { command },
      summary: `run the tests: ${command}`,
      rule: `bash(${command})`,
      reason: gate.reason,
    });
    if (answer.decision === 'deny') return { command, skipped: gate.reason };
  }
  const result = await runVerify({
    command,
    cwd: args.cwd,
    timeoutMs: args.config.verify.timeoutMs,
    signal: args.signal,
    policy: args.permissions.toolPolicy.bash(),
  });
  return {
    command,
    result,
    line: result.passed
      ? `${command} passed (${seconds(result.durationMs / 1000)})`
      : `${command} failed`,
  };
}

/** The prompt a retry carries: the short failure summary and the original request. */
export function retryPrompt(prompt: string, summary: string): string {
  return `The previous attempt did not pass the tests. Failure summary:\n${summary}\n\nFix it. Original request: ${prompt.slice(0, 2_000)}`;
}

/**
 * After a failed attempt: the next tier up with its price, or why not (cap reached, nothing
 * above). `estimate` prices the retry on a tier (the route flow's).
 */
export function planEscalation(args: {
  tier: Tier | null;
  attempts: number;
  config: Config;
  summary: string;
  estimate: (tier: Tier) => TierEstimate | undefined;
}): { escalation: Escalation; notice: string } {
  const escalation = proposeEscalation({
    tier: args.tier,
    attempts: args.attempts,
    retryCap: args.config.verify.retryCap,
    summary: args.summary,
    estimate: args.estimate,
  });
  return { escalation, notice: describeEscalation(escalation) };
}
