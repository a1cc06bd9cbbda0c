import type { Config } from '../config/schema.js';
import type { PermissionLock } from '../config/store.js';
import type { Message } from '../core/message.js';
import type { Provider } from '../core/provider.js';
import { approveAll, createPermissionGate, denyAll } from './approvals.js';
import { runAgentTurn, type AgentEvent, type AgentTurnResult } from './loop.js';
import { buildSystemPrompt } from './system-prompt.js';
import { DEFAULT_TOOLS } from './tools/index.js';
import type { Tool } from './tools/types.js';
import { resolveVerifyCommand, runVerify, type VerifyResult } from './verify.js';

export const HEADLESS_DENY_NOTE =
  'kirikae runs non-interactively and nobody can approve this; run with --yes to allow';

export interface HeadlessOptions {
  provider: Provider;
  /** The model part of the id. */
  model: string;
  prompt: string;
  cwd: string;
  config: Config;
  /** --yes: approve every call that would ask (deny rules and read-only mode still hold). */
  yes?: boolean;
  signal?: AbortSignal;
  onText?: (text: string) => void;
  onEvent?: (event: AgentEvent) => void;
  /** Earlier history (kirikae -p --continue). */
  history?: readonly Message[];
  system?: string;
  tools?: readonly Tool[];
  /** Run the test gate after a turn that changed files. */
  verify?: boolean;
  /** The config's permission settings did not validate (loadConfig's permissionLock). */
  permissionLock?: PermissionLock;
}

export interface HeadlessResult extends AgentTurnResult {
  verify?: VerifyResult;
}

/**
 * `kirikae -p "…"`: one full agent turn with tools and no person at the keyboard. With --yes
 * everything that would ask is approved; without it, edits and commands that would ask are
 * refused with a note telling the model (and through it the user) to pass --yes.
 */
export async function runHeadless(options: HeadlessOptions): Promise<HeadlessResult> {
  const { config } = options;
  // The same gate as the session's (wiring/build.ts): sandbox, the environment's secrets, and a
  // permission section that did not load failing closed. A review found this copy without them.
  const permissions = createPermissionGate({
    mode: config.agent.permissionMode,
    rules: config.agent,
    sandbox: config.agent.sandbox,
    envAllow: config.agent.envAllow,
    ...(options.permissionLock ? { locked: options.permissionLock } : {}),
  });
  const result = await runAgentTurn({
    provider: options.provider,
    model: options.model,
    system:
      options.system ??
      buildSystemPrompt({ workspace: options.cwd, mode: config.agent.permissionMode }),
    messages: [...(options.history ?? []), { role: 'user', content: options.prompt }],
    tools: options.tools ?? DEFAULT_TOOLS,
    maxSteps: config.agent.maxSteps,
    signal: options.signal,
    approve: options.yes ? approveAll : denyAll(HEADLESS_DENY_NOTE),
    onEvent: (event) => {
      if (event.type === 'text') options.onText?.(event.text);
      options.onEvent?.(event);
    },
    workspace: options.cwd,
    permissions,
    bashTimeoutMs: config.agent.bashTimeoutMs,
  });
  if (!options.verify || result.error || result.filesChanged.length === 0) return result;
  const command = resolveVerifyCommand(config.verify.command, options.cwd);
  if (!command) return result;
  const verify = await runVerify({
    command,
    cwd: options.cwd,
    timeoutMs: config.verify.timeoutMs,
    signal: options.signal,
  });
  return { ...result, verify };
}
