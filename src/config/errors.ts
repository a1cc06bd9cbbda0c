import type { z } from 'zod';

/** One line per problem: `budget.monthlyUsd: expected number, received string`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    const message = issue.message.replace(/^Invalid input: /, '');
    return `${path}: ${message}`;
  });
}
