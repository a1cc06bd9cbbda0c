import type { Config } from '../config/schema.js';
import type { Tier } from '../core/tier.js';
import {
  describeEscalation,
  proposeEscalation,
  resolveVerifyCommand,
  runVerify,
  verifyGate,
  type ApprovalFn,
  type PermissionGate,
  type Escalation,
  type TierEstimate,
  type VerifyResult,
} from '../agent/index.js';
import { seconds } from '../present/units.js';

/** The test gate's outcome as the transcript shows it. */
export interface GateOutcome {
  command: string;
  result: VerifyResult;
  /** One line: "npm test passed (4.2 s)" or "npm test failed". */
  line: string;
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
