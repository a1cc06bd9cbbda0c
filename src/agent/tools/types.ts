import { z } from 'zod';
import type { ToolSpec } from '../../core/message.js';
import type { SandboxPlan } from '../sandbox.js';
import type { Workspace } from '../workspace.js';

/** What a call does, for permissions: reads are cheap to allow, edits and commands are not. */
export type ToolAccess = 'read' | 'edit' | 'write' | 'bash';

export interface ToolContext {
  workspace: Workspace;
  /** Default bash timeout (config agent.bashTimeoutMs). */
  bashTimeoutMs: number;
  /** The session's rules as tools need them (PermissionGate.toolPolicy()); safe defaults without. */
  policy?: ToolPolicy;
}

/**
 * What a tool needs to know of the session's permissions while it runs: one approved call
 * (grep of the root) must not reach files that rules protect, and bash runs as the mode says.
 */
export interface ToolPolicy {
  /** A read of this workspace-relative path would be allowed without asking anyone. */
  canRead(rel: string): boolean;
  /** A deny rule forbids reading this path: not even its name is listed. */
  isDenied(rel: string): boolean;
  /** How a bash command runs under the current mode. */
  bash(): BashRunPolicy;
}

export interface BashRunPolicy {
  /** Wrap commands in this OS sandbox; undefined runs them directly. */
  sandbox?: SandboxPlan;
  /** Refuse to run at all (sandbox "on" but none available), with why. */
  refuse?: string;
  /** Secret variables passed through anyway (config agent.envAllow). */
  envAllow: readonly string[];
}

export interface ToolOutcome {
  ok: boolean;
  /** What the model reads. */
  content: string;
  /** One line for the UI. */
  summary: string;
  /** Unified diff of a file change, for the UI. */
  diff?: string;
  /** Workspace-relative paths this call changed. */
  changed?: string[];
}

/**
 * A call whose arguments are valid and whose effect is known (paths resolved, diff computed)
 * but that has not run: permissions and the approval dialog look at it before `run`.
 */
export interface PreparedCall {
  /** One line for the UI and the approval dialog: `edit src/a.ts`, `$ npm test`. */
  summary: string;
  /**
   * The whole of what is approved when one line cannot hold it: the full command, newlines
   * kept. The approval dialog shows it uncut; what a person does not see they cannot refuse.
   */
  detail?: string;
  /** What permission rules match: a workspace-relative path, or the command line. */
  target: string;
  /** Workspace-relative path, for file tools. */
  path?: string;
  /**
   * Other names of the target that rules must also see: where a symlinked path really leads
   * (`plink/x` → `protected/x`). A deny or ask rule on any name applies.
   */
  aliases?: string[];
  /** Preview of a file change, shown before the user approves it. */
  diff?: string;
  /**
   * Reading or changing this needs a person's yes even in auto mode (.env, keys, credentials;
   * for a change, files other programs run: .git/config, hooks, .envrc).
   */
  sensitive?: boolean;
  /** Why, when it is not a secret (shown when asking). */
  sensitiveReason?: string;
  run(signal: AbortSignal): Promise<ToolOutcome>;
}

export interface Tool<A = unknown> {
  readonly name: string;
  readonly description: string;
  readonly access: ToolAccess;
  readonly schema: z.ZodType<A>;
  /** The schema as JSON Schema, converted once; adapters turn it into each API's format. */
  readonly spec: ToolSpec;
  /** Throws ToolError (or WorkspaceError) for a call that cannot run; the model reads why. */
  prepare(args: A, ctx: ToolContext): Promise<PreparedCall>;
}

/** An expected failure of a tool: its message goes back to the model as the tool result. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

const SAFE_INT_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** zod's JSON Schema minus what only adds noise to a prompt ($schema, ±2^53 integer bounds). */
function cleanSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(cleanSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    if ((key === 'maximum' || key === 'minimum') && SAFE_INT_BOUNDS.has(value as number)) continue;
    out[key] = cleanSchema(value);
  }
  return out;
}

export function toToolSpec(name: string, description: string, schema: z.ZodType): ToolSpec {
  // `input`: fields with defaults are optional for the model.
  const parameters = cleanSchema(z.toJSONSchema(schema, { io: 'input' })) as Record<
    string,
    unknown
  >;
  return { name, description, parameters };
}

export function defineTool<S extends z.ZodType>(definition: {
  name: string;
  description: string;
  access: ToolAccess;
  schema: S;
  prepare: (args: z.output<S>, ctx: ToolContext) => Promise<PreparedCall>;
}): Tool<z.output<S>> {
  const { name, description, access, schema, prepare } = definition;
  return {
    name,
    description,
    access,
    schema: schema as z.ZodType<z.output<S>>,
    spec: toToolSpec(name, description, schema),
    prepare,
  };
}
