// A project folder and a core on the stub servers for delegation tests: the planner on the
// Anthropic stub, the executor on the Ollama stub, every record in the core's history.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalFn } from '../../src/agent/index.js';
import type { CallRecord } from '../../src/core/records.js';
import type { DelegatePlan } from '../../src/delegate/session.js';
import type { TurnPlan } from '../../src/session/turn-runner.js';
import { buildCore, type Core } from '../../src/wiring/build.js';

export const PLANNER = 'anthropic/claude-opus-4-6';
export const EXECUTOR = 'ollama/qwen3-coder:30b';

/** A tiny node project whose check is `node --test`: add() subtracts. */
export const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "fixture", "type": "module" }\n',
  'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n',
  'test/math.test.js':
    "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { add } from '../src/math.js';\n\ntest('add', () => assert.equal(add(2, 3), 5));\n",
};

export function projectBox(
  env: Record<string, string>,
  config: Record<string, unknown> = {},
): { cwd: string; env: NodeJS.ProcessEnv } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'kirikae-delegate-')));
  const configDir = join(root, 'config');
  const cwd = join(root, 'project');
  mkdirSync(configDir);
  for (const [path, text] of Object.entries(PROJECT)) {
    mkdirSync(join(cwd, path, '..'), { recursive: true });
    writeFileSync(join(cwd, path), text);
  }
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify({
      tiers: { '0': [PLANNER], '3': [EXECUTOR] },
      local: { memoryBudgetGb: 64, reserveGb: 0 },
      agent: { sandbox: 'off' },
      ...config,
    }),
  );
  return {
    cwd,
    env: {
      ...env,
      KIRIKAE_CONFIG_DIR: configDir,
      KIRIKAE_DATA_DIR: join(root, 'data'),
      HOME: root,
    },
  };
}

export async function stubCore(
  cwd: string,
  env: NodeJS.ProcessEnv,
  sessionId = 's',
): Promise<Core> {
  const core = buildCore({ env, cwd, writeLedger: true, sessionId, notice: () => {} });
  await core.local.ready(5_000);
  return core;
}

export function delegatedPlan(
  core: Core,
  prompt: string,
  options: { approve?: ApprovalFn; signal?: AbortSignal; delegate?: Partial<DelegatePlan> } = {},
): TurnPlan {
  const decision = core.routing.decide({ prompt, override: { model: PLANNER } });
  return {
    turn: 1,
    task: 't1',
    taskType: decision.taskType,
    messages: [{ role: 'user', content: prompt }],
    decision,
    model: PLANNER,
    how: 'accepted',
    signal: options.signal ?? new AbortController().signal,
    approve: options.approve ?? (async () => ({ decision: 'once' })),
    delegate: { executor: EXECUTOR, ...options.delegate },
  };
}

export function calls(core: Core): CallRecord[] {
  return core.history.records().filter((r): r is CallRecord => r.type === 'call');
}

/** The delegate tool results the planner was sent in an Anthropic request body. */
export function delegateResults(body: {
  messages: { role: string; content: unknown }[];
}): string[] {
  const ids = new Set<string>();
  const out: string[] = [];
  for (const m of body.messages) {
    if (!Array.isArray(m.content)) continue;
    for (const block of m.content as Record<string, unknown>[]) {
      if (block.type === 'tool_use' && block.name === 'delegate') ids.add(String(block.id));
      if (block.type === 'tool_result' && ids.has(String(block.tool_use_id))) {
        const c = block.content;
        out.push(typeof c === 'string' ? c : (c as { text: string }[]).map((p) => p.text).join(''));
      }
    }
  }
  return out;
}
