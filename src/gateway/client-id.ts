// Which tool sent a request, from its User-Agent: Claude Code sends `claude-cli/<version>
// (external, cli)`; the official SDKs `Anthropic/JS <v>` and `OpenAI/JS <v>` (Python: `…/Python`);
// aider calls through litellm, opencode and codex name themselves.
const KNOWN: readonly [RegExp, string][] = [
  [/claude-cli|claude-code/i, 'claude-code'],
  [/aider/i, 'aider'],
  [/opencode/i, 'opencode'],
  [/codex/i, 'codex'],
  [/litellm/i, 'litellm'],
  [/^anthropic\//i, 'anthropic-sdk'],
  [/^openai\//i, 'openai-sdk'],
];

export function clientName(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  for (const [pattern, name] of KNOWN) if (pattern.test(userAgent)) return name;
  // The first product token, kept to letters and dashes so it is safe in a task id.
  const product =
    userAgent
      .split(/[\s/]/)[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9-]/g, '') ?? '';
  return product || 'unknown';
}
