import type { TurnResult } from './types.js';

/*
 * Which turns the semantic cache may touch. The cache is only worth having if it never answers
 * from stale context, so the rules lean one way: when unsure, a prompt is an action (never
 * cached) and a question is about the workspace (its answer is tied to the git HEAD).
 */

/**
 * Verbs that, said as an instruction, make the model act on the workspace. "Fix the failing
 * test" must be done again every time: its answer is the work, not a text to replay.
 */
const ACTION_VERBS = [
  'add',
  'apply',
  'build',
  'bump',
  'change',
  'clean',
  'commit',
  'convert',
  'create',
  'debug',
  'delete',
  'deploy',
  'edit',
  'execute',
  'extract',
  'fix',
  'format',
  'generate',
  'implement',
  'insert',
  'install',
  'lint',
  'make',
  'merge',
  'migrate',
  'modify',
  'move',
  'patch',
  'push',
  'rebase',
  'refactor',
  'remove',
  'rename',
  'replace',
  'resolve',
  'revert',
  'rewrite',
  'run',
  'scaffold',
  'set up',
  'setup',
  'split',
  'test',
  'undo',
  'update',
  'upgrade',
  'write',
];
const VERB = `(?:${ACTION_VERBS.join('|').replace(' ', '\\s+')})`;

/** An instruction: the verb opens a clause, or follows a request form ("can you", "please"). */
const ACTION_PATTERNS = [
  // Clause-initial: start, after a sentence or clause break, or after "and"/"then"/"now".
  new RegExp(`(?:^|[.!?;:,\\n]\\s*|\\b(?:and|then|now|also|just|so)\\s+)${VERB}\\b`, 'i'),
  new RegExp(
    `\\b(?:can|could|would|will)\\s+you\\s+(?:please\\s+|just\\s+|also\\s+)?${VERB}\\b`,
    'i',
  ),
  new RegExp(
    `\\b(?:please|pls|let'?s|go\\s+ahead\\s+and|i\\s+(?:want|need)\\s+you\\s+to|help\\s+me(?:\\s+to)?|try\\s+to)\\s+${VERB}\\b`,
    'i',
  ),
];

/** Question forms that keep a verb from being an instruction ("how do I fix …", "why does …"). */
const QUESTION_OPENERS =
  /^\s*(?:what|why|how|where|when|which|who|is|are|does|do|did|should|explain|describe|summari[sz]e|tell me|show me what)\b/i;

/**
 * The instruction that makes a prompt an action, or undefined for a question. A question that
 * opens with "how", "why", "explain"… may still name a verb ("how do I fix this?"): it asks
 * for an explanation, not for the work, unless it also holds a request form ("explain it and
 * then fix it").
 */
export function actionIn(prompt: string): string | undefined {
  const text = prompt.trim();
  const question = QUESTION_OPENERS.test(text);
  for (const [i, pattern] of ACTION_PATTERNS.entries()) {
    const match = pattern.exec(text);
    if (!match) continue;
    // Inside a question a bare "just fix" is still part of the question; a new sentence or an
    // "and then fix it" is a second, imperative clause.
    if (question && i === 0 && !/[.!?;\n]|\b(?:and|then|now|also|so)\s/i.test(match[0])) continue;
    return match[0].replace(/^[\s.!?;:,]+/, '').trim();
  }
  return undefined;
}

/** Words that tie a question to this workspace rather than to general knowledge. */
const WORKSPACE_WORDS =
  /\b(?:this|our|my|the|here|current)\s+(?:repo|repository|project|codebase|code|file|files|function|class|module|package|test|tests|suite|build|branch|workspace|error|bug|diff|change|changes|commit|config|component|script|app|service|implementation|output|log|stack\s*trace)\b/i;
/** A path or a file name with an extension (src/x.ts, package.json). */
const PATH_LIKE =
  /(?:^|[\s`'"(])(?:\.{0,2}\/)?[\w.-]+(?:\/[\w.-]+)+|\b[\w-]+\.(?:[cm]?[jt]sx?|json|md|ya?ml|toml|py|go|rs|java|rb|sh|css|html|lock)\b/i;

/**
 * Path-like words of a prompt (`src/x.ts`, `@lib/a.js`, `package.json`), for the session to
 * read and pass as quoted files: an answer about a file is then not served once it changed,
 * even before a commit moves HEAD. Words that are not files on disk are simply skipped there.
 */
export function pathsIn(prompt: string): string[] {
  const found = new Set<string>();
  for (const word of prompt.split(/[\s`'"()[\]{},;]+/)) {
    const path = word.replace(/^@/, '').replace(/[.:!?]+$/, '');
    if (path && !/^[a-z]+:\/\//i.test(path) && PATH_LIKE.test(` ${path}`)) found.add(path);
  }
  return [...found];
}

/**
 * Whether the answer to `prompt` depends on the workspace, and so on its git HEAD. Quoted
 * files always make it so.
 */
export function isWorkspaceQuestion(prompt: string, quotedFiles: number): boolean {
  return quotedFiles > 0 || WORKSPACE_WORDS.test(prompt) || PATH_LIKE.test(prompt);
}

/**
 * Why a finished turn may not be stored, or undefined when it may. Only an answer that is
 * nothing but text is safe to replay: a tool call or a changed file means the answer was work
 * done on the workspace, and replaying the text would not redo it.
 */
export function uncacheableTurn(
  result: TurnResult,
): 'tool_calls' | 'changed_files' | 'not_ok' | 'empty_answer' | undefined {
  if (result.outcome !== 'ok') return 'not_ok';
  if (result.toolCalls > 0) return 'tool_calls';
  if (result.changedFiles > 0) return 'changed_files';
  if (result.answer.trim() === '') return 'empty_answer';
  return undefined;
}
