import { updateConfig } from '../config/store.js';
import type { PermissionMode } from '../config/schema.js';
import type { PermissionLock } from '../config/store.js';
import {
  decide,
  suggestRule,
  type PermissionDecision,
  type PermissionRules,
  type PermissionSubject,
  type Verdict,
} from './permissions.js';
import { chooseSandbox, findSandbox, type SandboxPlan, type SandboxSetting } from './sandbox.js';
import type { PreparedCall, Tool, ToolPolicy } from './tools/types.js';
import { isSecretPath } from './workspace.js';

export type ApprovalDecision = 'once' | 'session' | 'always' | 'deny';

/** What the approval dialog shows. */
export interface ApprovalRequest {
  tool: string;
  args: unknown;
  summary: string;
  /** The full command (bash), newlines kept: shown uncut, control characters made visible. */
  detail?: string;
  diff?: string;
  path?: string;
  /** The rule "allow for this session" / "always" would record, e.g. `bash(npm test*)`. */
  rule: string;
  /** Why the call needs a yes: "running commands needs approval", ".env may hold secrets". */
  reason: string;
}

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  /** With deny: passed to the model ("use pnpm, not npm"). */
  note?: string;
}

export type ApprovalFn = (request: ApprovalRequest) => Promise<ApprovalAnswer>;

/** `--yes`: every call that would ask is approved (deny rules and read-only still hold). */
export const approveAll: ApprovalFn = async () => ({ decision: 'once' });

/** Headless without --yes: what would need a person is refused, with a note for the model. */
export function denyAll(note: string): ApprovalFn {
  return async () => ({ decision: 'deny', note });
}

export type Authorization =
  | { allowed: true; decision: PermissionDecision; asked: boolean }
  | { allowed: false; decision: PermissionDecision; asked: boolean; message: string };

export interface PermissionGate {
  readonly mode: PermissionMode;
  setMode(mode: PermissionMode): void;
  /** Rules granted so far this session. */
  readonly grants: readonly string[];
  /** What tools consult while they run: read rules for searches, sandbox and env for bash. */
  readonly toolPolicy: ToolPolicy;
  /** Set when the permission config did not validate: changes and commands are refused. */
  readonly locked?: PermissionLock;
  /** Decides by mode and rules; asks through `approve` when that is the verdict. */
  authorize(
    call: { tool: Tool; args: unknown; prepared: PreparedCall },
    approve: ApprovalFn,
  ): Promise<Authorization>;
}

export interface PermissionGateOptions {
  mode: PermissionMode;
  rules: PermissionRules;
  /** Records an "always" answer (normally configRuleWriter). Without it, "always" acts as "session". */
  persistRule?: (rule: string) => void | Promise<void>;
  /** A failed persist is reported here, not thrown: the call itself was approved. */
  onNotice?: (message: string) => void;
  /** config agent.sandbox (default auto). */
  sandbox?: SandboxSetting;
  /** The sandbox this machine has; found on first need when not given (tests pass it). */
  availableSandbox?: SandboxPlan | null;
  /** config agent.envAllow: secret variables commands may still see. */
  envAllow?: readonly string[];
  /** From LoadedConfig.permissionLock: the agent section did not validate, so fail closed. */
  locked?: PermissionLock;
}

/**
 * Session state around the pure `decide`: the grants collected from "allow for this session"
 * and "always" answers, and the call to the approval dialog. One gate per session, so grants
 * outlive a turn.
 */
export function createPermissionGate(options: PermissionGateOptions): PermissionGate {
  let mode = options.mode;
  const grants: string[] = [];
  const lock = options.locked;
  let available = options.availableSandbox;
  const lockedOut = (access: Tool['access']): PermissionDecision | undefined =>
    lock && (access !== 'read' || lock.reads)
      ? { verdict: 'deny', reason: `the permission settings did not load (${lock.reason})` }
      : undefined;

  const readVerdict = (tool: string, rel: string): Verdict => {
    if (lockedOut('read')) return 'deny';
    const subject = { tool, access: 'read' as const, target: rel, sensitive: isSecretPath(rel) };
    return decide(mode, options.rules, subject, grants).verdict;
  };
  const toolPolicy: ToolPolicy = {
    canRead: (rel) => readVerdict('grep', rel) === 'allow',
    isDenied: (rel) => readVerdict('list_files', rel) === 'deny',
    bash() {
      if (available === undefined) available = findSandbox() ?? null;
      const choice = chooseSandbox(options.sandbox ?? 'auto', mode, available ?? undefined);
      return {
        envAllow: options.envAllow ?? [],
        ...(choice.plan ? { sandbox: choice.plan } : {}),
        ...(choice.refuse ? { refuse: choice.refuse } : {}),
      };
    },
  };

  return {
    toolPolicy,
    ...(lock ? { locked: lock } : {}),
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
    },
    get grants() {
      return grants;
    },
    async authorize({ tool, args, prepared }, approve) {
      const subject: PermissionSubject = {
        tool: tool.name,
        access: tool.access,
        target: prepared.target,
        ...(prepared.aliases?.length ? { aliases: prepared.aliases } : {}),
        sensitive: prepared.sensitive,
        ...(prepared.sensitiveReason ? { sensitiveReason: prepared.sensitiveReason } : {}),
      };
      const decision = lockedOut(tool.access) ?? decide(mode, options.rules, subject, grants);
      if (decision.verdict === 'allow') return { allowed: true, decision, asked: false };
      if (decision.verdict === 'deny') {
        return {
          allowed: false,
          decision,
          asked: false,
          message: `Permission denied (${decision.reason}). Do not retry this call; choose another way or tell the user what you need.`,
        };
      }
      const rule = suggestRule(subject, decision);
      let answer: ApprovalAnswer;
      try {
        answer = await approve({
          tool: tool.name,
          args,
          summary: prepared.summary,
          ...(prepared.detail !== undefined ? { detail: prepared.detail } : {}),
          diff: prepared.diff,
          path: prepared.path,
          rule,
          reason: decision.reason,
        });
      } catch (error) {
        answer = { decision: 'deny', note: `the approval dialog failed: ${String(error)}` };
      }
      if (answer.decision === 'deny') {
        const note = answer.note?.trim();
        return {
          allowed: false,
          decision,
          asked: true,
          message: `The user denied this call.${note ? ` Their note: ${note}` : ''}`,
        };
      }
      if (answer.decision === 'session' || answer.decision === 'always') {
        if (!grants.includes(rule)) grants.push(rule);
      }
      if (answer.decision === 'always' && options.persistRule) {
        try {
          await options.persistRule(rule);
        } catch (error) {
          options.onNotice?.(`Could not save the rule ${rule}: ${String(error)}`);
        }
      }
      return { allowed: true, decision, asked: true };
    },
  };
}

/** Writes an "always" rule into the config's agent.allow list (kept unique). */
export function configRuleWriter(env: NodeJS.ProcessEnv = process.env): (rule: string) => void {
  return (rule) => {
    updateConfig((raw) => {
      const agent = (raw.agent ??= {}) as Record<string, unknown>;
      const allow = Array.isArray(agent.allow) ? (agent.allow as unknown[]) : [];
      if (!allow.includes(rule)) allow.push(rule);
      agent.allow = allow;
    }, env);
  };
}
