/**
 * The grammar of a permission rule (`bash(npm test*)`, `edit(src/**)`, a bare `read`), shared by
 * the config's validation and the agent's decisions, so a rule the agent could never match is
 * refused when the config loads instead of being silently ignored (a deny rule that does
 * nothing is a hole).
 */
export interface ParsedRule {
  name: string;
  /** undefined = every call of the tool. */
  pattern?: string;
}

/** Access names (read, edit, write, bash) and the tools' own names. */
export const RULE_NAMES: readonly string[] = [
  'read',
  'edit',
  'write',
  'bash',
  'read_file',
  'list_files',
  'grep',
  'edit_file',
  'write_file',
];

export function parseRule(rule: string): ParsedRule | undefined {
  const match = /^\s*([A-Za-z_]+)\s*(?:\((.*)\))?\s*$/s.exec(rule);
  if (!match) return undefined;
  const pattern = match[2]?.trim();
  return {
    name: match[1]!.toLowerCase(),
    pattern: pattern === '' || pattern === '*' ? undefined : pattern,
  };
}

/** Why a rule can never match anything, or undefined when it is a rule. */
export function ruleProblem(rule: string): string | undefined {
  const parsed = parseRule(rule);
  if (!parsed) return `"${rule}" is not a rule (write name(pattern), e.g. read(secrets/**))`;
  if (!RULE_NAMES.includes(parsed.name)) {
    return `"${rule}": no tool or access is called ${parsed.name} (${RULE_NAMES.join(', ')})`;
  }
  return undefined;
}
