/*
 * Dated retirements announced by the vendors: `doctor`, the models list and the route card mark a
 * retired id and offer its replacement, so nothing is routed to a dead model silently. An id is
 * retired from its date on (UTC). Add entries from the vendors' deprecation pages; keep the source.
 */

export interface RetirementEntry {
  /** `provider/model`. */
  id: string;
  /** The day the model stops answering (YYYY-MM-DD). */
  date: string;
  /** `provider/model` to use instead. */
  replacement: string;
  source: string;
}

const ANTHROPIC = 'https://platform.claude.com/docs/en/about-claude/model-deprecations';
const OPENAI = 'https://developers.openai.com/api/docs/deprecations';
const DEEPSEEK = 'https://api-docs.deepseek.com/quick_start/pricing';
const GEMINI = 'https://ai.google.dev/gemini-api/docs/deprecations';
const OLLAMA_CLOUD = 'https://github.com/ollama/ollama/blob/main/docs/cloud.mdx';

const openai = (ids: string[], date: string, replacement: string): RetirementEntry[] =>
  ids.map((id) => ({
    id: `openai/${id}`,
    date,
    replacement: `openai/${replacement}`,
    source: OPENAI,
  }));

export const RETIREMENTS: readonly RetirementEntry[] = [
  {
    id: 'anthropic/claude-sonnet-4-5',
    date: '2026-11-30',
    replacement: 'anthropic/claude-sonnet-5-5',
    source: ANTHROPIC,
  },
  {
    id: 'anthropic/claude-3-7-sonnet-latest',
    date: '2026-02-19',
    replacement: 'anthropic/claude-sonnet-5-5',
    source: ANTHROPIC,
  },
  {
    id: 'anthropic/claude-3-5-haiku-latest',
    date: '2026-02-19',
    replacement: 'anthropic/claude-haiku-5-5',
    source: ANTHROPIC,
  },
  {
    id: 'anthropic/claude-3-opus-latest',
    date: '2026-01-05',
    replacement: 'anthropic/claude-opus-5-5',
    source: ANTHROPIC,
  },
  // The names map to V4 Flash until 2026-07-24 15:59 UTC, then stop answering.
  {
    id: 'deepseek/deepseek-chat',
    date: '2026-07-24',
    replacement: 'deepseek/deepseek-v4-flash',
    source: DEEPSEEK,
  },
  {
    id: 'deepseek/deepseek-reasoner',
    date: '2026-07-24',
    replacement: 'deepseek/deepseek-v4-flash',
    source: DEEPSEEK,
  },
  {
    id: 'openrouter/google/gemini-2.5-flash',
    date: '2026-12-01',
    replacement: 'openrouter/google/gemini-3.8-flash',
    source: GEMINI,
  },
  // `glm-4.7` on Ollama is the 355B cloud model (`glm-4.7:cloud`), retired for glm-5.2; the local
  // model is glm-4.7-flash.
  {
    id: 'ollama/glm-4.7',
    date: '2026-07-15',
    replacement: 'ollama/glm-4.7-flash',
    source: OLLAMA_CLOUD,
  },
  {
    id: 'ollama/glm-4.7:cloud',
    date: '2026-07-15',
    replacement: 'ollama/glm-5.2:cloud',
    source: OLLAMA_CLOUD,
  },
  ...openai(
    ['gpt-3.5-turbo', 'gpt-4', 'gpt-4-turbo', 'o1', 'o3-mini'],
    '2026-10-23',
    'gpt-5.6-sol',
  ),
  ...openai(['o4-mini'], '2026-10-23', 'gpt-5.6-terra'),
  ...openai(['gpt-5', 'o3'], '2026-12-11', 'gpt-6.1-sol'),
  ...openai(['gpt-5-mini'], '2026-12-11', 'gpt-6.1-terra'),
  ...openai(['gpt-5-nano'], '2026-12-11', 'gpt-6-luna'),
  ...openai(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini'], '2027-01-14', 'gpt-6-luna'),
];

const byId = new Map(RETIREMENTS.map((r) => [r.id, r]));

export interface Retirement {
  retired: boolean;
  retiresOn: string;
  replacement: string;
  source: string;
}

/** The retirement of a model id, if one is announced; `retired` from its date on (UTC). */
export function retirement(id: string, today: Date = new Date()): Retirement | undefined {
  const entry = byId.get(id);
  if (!entry) return undefined;
  return {
    retired: today.toISOString().slice(0, 10) >= entry.date,
    retiresOn: entry.date,
    replacement: entry.replacement,
    source: entry.source,
  };
}
