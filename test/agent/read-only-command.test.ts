import { describe, expect, it } from 'vitest';
import { onlyReads } from '../../src/agent/read-only-command.js';

describe('onlyReads', () => {
  it('knows the commands a model looks around with', () => {
    for (const command of [
      'ls -la src',
      'cat package.json',
      'grep -rn "TODO" src | head -20',
      'cd src && ls',
      'git status --short',
      'git diff HEAD~1 -- src/app.ts',
      'find . -name "*.ts" -not -path "./node_modules/*"',
      'wc -l src/*.ts | sort -n | tail -5',
      'sort words.txt | uniq -c',
      'echo done 2>&1 >/dev/null',
      'rg -n "fn main" src',
    ])
      expect(onlyReads(command), command).toBe(true);
  });

  it('takes anything that may write, or that it cannot read, to write', () => {
    for (const command of [
      'npm test',
      'echo x > notes.txt',
      'cat a | tee b',
      "sed -i 's/a/b/' x.ts",
      'find . -name "*.orig" -delete',
      'find . -exec rm {} +',
      'sort -o out.txt in.txt',
      'uniq in.txt out.txt',
      'git checkout -- src',
      'git -C other status',
      'git diff --output=patch.diff',
      'ls $(cat list)',
      'sh -c "ls"',
      'sudo cat /etc/shadow',
      'ls && rm -rf build',
      'awk \'{ print > "out" }\' in',
      '',
    ])
      expect(onlyReads(command), command).toBe(false);
  });
});
