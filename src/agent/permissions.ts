/**
 * Permission decisions, pure: a mode, three rule lists and a description of the call in; allow,
 * ask or deny out. No I/O and no state: the session's grants are passed in as rules.
 *
 * Rules look like `bash(npm test*)`, `edit(src/**)`, `read(**\/*.md)`, `write(docs/**)`, or a bare
 * tool name (`bash`) for every call of it. Rule names cover tools by access:
 *   read  → read_file, list_files, grep      edit → edit_file and write_file
 *   write → write_file                       bash → bash
 * and a tool's own name (`edit_file(...)`) covers just that tool.
 * File patterns are globs against workspace-relative paths; bash patterns match the command
 * text, where `*` is any text (`npm test*`, or Claude Code's `npm test:*`).
 */
import picomatch from 'picomatch';
import type { PermissionMode } from '../config/schema.js';
import { parseRule } from '../core/permission-rule.js';
import { parseSimpleCommand, type ParsedCommand } from './shell-parse.js';
import type { ToolAccess } from './tools/types.js';

export type { PermissionMode };
export type Verdict = 'allow' | 'ask' | 'deny';

export interface PermissionRules {
  allow: readonly string[];
  ask: readonly string[];
  deny: readonly string[];
}

export interface PermissionSubject {
  tool: string;
  access: ToolAccess;
  /** Workspace-relative path (file tools) or the command line (bash). */
  target: string;
  /** Other names of a file target (where a symlink leads): rules see every name. */
  aliases?: readonly string[];
  /** .env-like files: a person must say yes even in auto mode. */
  sensitive?: boolean;
  /** Why, when the default wording ("may hold secrets") is not it. */
  sensitiveReason?: string;
}

export interface PermissionDecision {
  verdict: Verdict;
  /** Why, for the UI and for the note the model gets on a deny. */
  reason: string;
  /** The rule that decided, when one did. */
  rule?: string;
}

export { parseRule, type ParsedRule } from '../core/permission-rule.js';

function coversTool(name: string, subject: PermissionSubject): boolean {
  if (name === subject.tool) return true;
  if (name === subject.access) return true;
  // `edit(...)` means "changing files", whichever tool does it.
  return name === 'edit' && subject.access === 'write';
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/:\*$/, '*')
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

/**
 * A file pattern as people write them: relative to the workspace (`./x`, `/x` and `x/` are `x`),
 * a folder's name covers what is in it (`read(secrets)` is `secrets` and `secrets/**`), and a
 * wildcard without a slash matches names at any depth (`read(*.pem)` covers `certs/prod.pem`). A
 * literal name stays that one path: `read(.env)`, the only kind of rule that may open a secret
 * unasked, must not open every `.env` below it. A review found `read(secrets)` let
 * `secrets/a.txt` through.
 */
function fileMatcher(pattern: string): (path: string) => boolean {
  const clean = pattern.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '') || '**';
  const options = { dot: true, basename: !clean.includes('/') && /[*?[\]{}]/.test(clean) };
  const exact = picomatch(clean, options);
  const within = picomatch(`${clean}/**`, { dot: true });
  return (path) => exact(path) || within(path);
}
const fileMatchers = new Map<string, (path: string) => boolean>();

function patternMatches(pattern: string, subject: PermissionSubject, text: string): boolean {
  if (subject.access === 'bash') return globToRegExp(pattern).test(text);
  let matcher = fileMatchers.get(pattern);
  if (!matcher) fileMatchers.set(pattern, (matcher = fileMatcher(pattern)));
  return matcher(text);
}

/**
 * A compound command (`npm test && curl … | sh`) split into the simple commands it runs, so
 * an allow rule for `npm test*` does not wave through what follows it. Quotes are respected,
 * ANSI-C quotes (`$'…\'…'`) with their escapes, and a `#` comment ends at its line. `complex`
 * is set for what a rule can never vouch for: command substitution, `${…}` and `$[…]` (their
 * arithmetic and `@P` transformations run code that an earlier argument smuggled in, as in
 * `echo hi 'a[$(id)]'; echo hi ${PATH:_}`), ANSI-C quotes, comments, a control character,
 * and an unclosed quote.
 */
export function splitCommand(command: string): { parts: string[]; complex: boolean } {
  const parts: string[] = [];
  let current = '';
  let quote: '"' | "'" | "$'" | undefined;
  let complex = false;
  const expansionAt = (i: number): boolean =>
    command[i] === '`' ||
    (command[i] === '$' &&
      (command[i + 1] === '(' || command[i + 1] === '{' || command[i + 1] === '['));
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    // Tabs and newlines are words' and commands' ends; other control characters are nothing a
    // person types, and terminals show them differently from what bash reads.
    if ((c < ' ' && c !== '\t' && c !== '\n') || c === '\x7f') complex = true;
    if (quote) {
      current += c;
      if (quote === "$'" && c === '\\') current += command[++i] ?? '';
      else if (c === quote.at(-1)) quote = undefined;
      else if (quote === '"' && c === '\\') current += command[++i] ?? '';
      else if (quote === '"' && expansionAt(i)) complex = true;
      continue;
    }
    if (c === '$' && command[i + 1] === "'") {
      quote = "$'";
      complex = true;
      current += "$'";
      i++;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === '\\') {
      current += c + (command[++i] ?? '');
    } else if (c === '#' && (current === '' || /[\s;&|()<>]$/.test(current))) {
      // A comment to the end of the line: nothing in it runs, but what looks quoted in it is not.
      complex = true;
      while (i + 1 < command.length && command[i + 1] !== '\n') i++;
    } else if (expansionAt(i) || c === '(' || c === ')') {
      complex = true;
      current += c;
    } else if (c === ';' || c === '\n' || c === '|' || c === '&') {
      // `2>&1` and `>&2` are redirections, not separators.
      if (c === '&' && (command[i - 1] === '>' || command[i + 1] === '>')) {
        current += c;
        continue;
      }
      if ((c === '|' || c === '&') && command[i + 1] === c) i++;
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quote) complex = true;
  parts.push(current);
  return { parts: parts.map((p) => p.trim()).filter(Boolean), complex };
}

function ruleMatches(rule: string, subject: PermissionSubject, texts: readonly string[]): boolean {
  const parsed = parseRule(rule);
  if (!parsed || !coversTool(parsed.name, subject)) return false;
  if (parsed.pattern === undefined) return true;
  return texts.some((text) => patternMatches(parsed.pattern!, subject, text));
}

function firstMatch(
  rules: readonly string[],
  subject: PermissionSubject,
  texts: readonly string[],
): string | undefined {
  return rules.find((rule) => ruleMatches(rule, subject, texts));
}

/** A bash call read for rules: its simple commands, each parsed, and what no pattern can vouch for. */
interface CommandView {
  parts: string[];
  parsed: ParsedCommand[];
  /** Substitution, a program named by a variable or glob, or a nested shell: rules cannot see in. */
  complex: boolean;
  /** Every text a deny or ask rule must be tried on: each part in every form, nested ones too. */
  texts: string[];
}

function viewCommand(command: string, depth = 0): CommandView {
  const { parts, complex } = splitCommand(command);
  const view: CommandView = { parts, parsed: [], complex, texts: [command] };
  for (const part of parts) {
    const parsed = parseSimpleCommand(part);
    view.parsed.push(parsed);
    view.texts.push(...parsed.forms);
    if (parsed.dynamic || parsed.nested.length) view.complex = true;
    for (const inner of parsed.nested) {
      if (depth > 4) continue;
      view.texts.push(...viewCommand(inner, depth + 1).texts);
    }
  }
  return view;
}

/** Rules that allow any command, or a pattern the user wrote with a redirection in it. */
function coversRedirection(rule: string): boolean {
  const pattern = parseRule(rule)?.pattern;
  return pattern === undefined || pattern.includes('>');
}

/**
 * True when every simple command of a bash call is allowed by some rule, and every name of a
 * file is. `bash(git status*)` vouches for `git status`, not for `git status > ~/.bashrc`:
 * a part that writes through a redirection or tee needs a rule that says so.
 */
function allowedByRules(
  rules: readonly string[],
  subject: PermissionSubject,
  view: CommandView | undefined,
): string | undefined {
  if (!view) {
    const names = [subject.target, ...(subject.aliases ?? [])];
    const used = names.map((name) => firstMatch(rules, subject, [name]));
    return used.every(Boolean) ? used[0] : undefined;
  }
  if (view.complex || view.parts.length === 0) {
    // Only a bare `bash` rule (every command), or one naming this exact command, covers
    // substitutions: a wildcard cannot vouch for what `$(…)` runs.
    return rules.find((rule) => {
      const parsed = parseRule(rule);
      if (!parsed || !coversTool(parsed.name, subject)) return false;
      return parsed.pattern === undefined || parsed.pattern === subject.target;
    });
  }
  const used = view.parts.map((part, i) => {
    const writes = view.parsed[i]!.writes.length > 0;
    return rules.find(
      (rule) => ruleMatches(rule, subject, [part]) && (!writes || coversRedirection(rule)),
    );
  });
  return used.every(Boolean) ? used[0] : undefined;
}

/** A rule whose pattern names one file literally, e.g. `read(.env)`: the only kind that may open a secret. */
function isLiteral(rule: string): boolean {
  const pattern = parseRule(rule)?.pattern;
  return pattern !== undefined && !/[*?[\]{}!]/.test(pattern);
}

function modeDefault(mode: PermissionMode, access: ToolAccess): PermissionDecision {
  if (access === 'read') return { verdict: 'allow', reason: 'reading is allowed' };
  const change = access === 'bash' ? 'running commands' : 'changing files';
  switch (mode) {
    case 'auto':
      return { verdict: 'allow', reason: 'auto mode' };
    case 'read-only':
      return { verdict: 'deny', reason: `read-only mode: ${change} is not allowed` };
    case 'accept-edits':
      return access === 'bash'
        ? { verdict: 'ask', reason: 'commands need approval' }
        : { verdict: 'allow', reason: 'accept-edits mode' };
    case 'ask':
      return { verdict: 'ask', reason: `${change} needs approval` };
  }
}

/**
 * Order: deny rules, then the read-only mode (a hard stop), then session grants, then ask
 * rules, then allow rules, then the mode's default; so deny always wins over allow. A
 * sensitive read (.env, keys) asks unless a rule names that file literally, whatever the mode.
 */
export function decide(
  mode: PermissionMode,
  rules: PermissionRules,
  subject: PermissionSubject,
  /** Rules granted during this session ("allow for this session" answers). */
  grants: readonly string[] = [],
): PermissionDecision {
  const view = subject.access === 'bash' ? viewCommand(subject.target) : undefined;
  const texts = view ? view.texts : [subject.target, ...(subject.aliases ?? [])];
  const denied = firstMatch(rules.deny, subject, texts);
  if (denied) return { verdict: 'deny', reason: `denied by rule ${denied}`, rule: denied };

  const fallback = modeDefault(mode, subject.access);
  if (mode === 'read-only' && fallback.verdict === 'deny') return fallback;

  // A person already said yes to this during the session: that beats an ask rule.
  const granted = allowedByRules(grants, subject, view);
  if (granted && (!subject.sensitive || isLiteral(granted))) {
    return { verdict: 'allow', reason: `allowed for this session (${granted})`, rule: granted };
  }

  const asked = firstMatch(rules.ask, subject, texts);
  if (asked) return { verdict: 'ask', reason: `rule ${asked} asks first`, rule: asked };

  // `echo $(rm -rf x)` or `$RM x` hides a command from deny patterns: with any in force, a
  // person looks.
  if (
    view?.complex &&
    rules.deny.some((rule) => coversTool(parseRule(rule)?.name ?? '', subject))
  ) {
    return {
      verdict: 'ask',
      reason: 'what this command runs cannot be checked against deny rules',
    };
  }

  const allowed = allowedByRules(rules.allow, subject, view);
  if (subject.sensitive) {
    if (allowed && isLiteral(allowed)) {
      return { verdict: 'allow', reason: `allowed by rule ${allowed}`, rule: allowed };
    }
    return {
      verdict: 'ask',
      reason: subject.sensitiveReason ?? `${subject.target} may hold secrets`,
    };
  }
  if (allowed) return { verdict: 'allow', reason: `allowed by rule ${allowed}`, rule: allowed };
  return fallback;
}

/**
 * The rule an "allow for this session" or "always" answer records. Broad where that is what a
 * person means (every edit: they stay confined to the workspace; `npm test -- x` →
 * `bash(npm test*)`), exact where breadth would undo a deliberate limit: a sensitive file, or
 * a call that asked because of an ask rule.
 */
export function suggestRule(subject: PermissionSubject, decision?: PermissionDecision): string {
  const name = subject.access === 'write' ? 'edit' : subject.access;
  if (subject.sensitive || decision?.rule || subject.access === 'read') {
    return `${name}(${subject.target})`;
  }
  if (name === 'edit') return 'edit';
  const view = viewCommand(subject.target);
  // A redirection or a nested shell is approved as written, never widened to a pattern.
  if (view.complex || view.parts.length !== 1 || view.parsed[0]!.writes.length) {
    return `bash(${subject.target})`;
  }
  const parts = view.parts;
  const words = parts[0]!.split(/\s+/);
  // `npm test`, `git status`, `cargo build`: keep a subcommand when there is one.
  const keep = words.length > 1 && /^[a-z][\w:-]*$/i.test(words[1]!) ? 2 : 1;
  return `bash(${words.slice(0, keep).join(' ')}*)`;
}
