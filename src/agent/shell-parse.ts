/**
 * A small reading of one simple shell command (no `;`, `|`, `&&`: splitCommand cut those
 * off), enough for permission rules to see what really runs: quotes and backslashes removed
 * (`r\m` is `rm`), the program's own name (`/bin/rm` is `rm`), wrappers looked through
 * (`command`, `env`, `xargs`, `sudo`, `find -exec` …), `sh -c '…'` read as the commands it
 * holds, and redirections that write a file. It is not a shell: what it cannot know for sure
 * (a program named by a variable, a glob, a brace) it marks `dynamic`, and the caller asks.
 */
import { basename } from 'node:path';

export interface ParsedCommand {
  /** The words after quote removal, without assignments and redirections. */
  words: string[];
  /**
   * Every way of reading the command a deny rule must see, e.g. for `sudo /bin/rm -rf x`:
   * `sudo /bin/rm -rf x`, `rm -rf x`. Normalised: the program by its base name.
   */
  forms: string[];
  /** Files the command writes through redirections (`>`, `>>`, `&>`) or `tee`. */
  writes: string[];
  /** The program (or one it runs) is named by an expansion or a pattern: no rule can vouch. */
  dynamic: boolean;
  /** Command lines it hands to another shell (`sh -c`, `eval`): to be checked as well. */
  nested: string[];
}

interface Word {
  text: string;
  /** Holds `$`, a backtick, a glob or a brace outside single quotes. */
  expands: boolean;
}

type Token = { kind: 'word'; word: Word } | { kind: 'redirect'; op: string };

const EXPANDING = new Set(['$', '`', '*', '?', '[', '{']);

/** Words and redirection operators, quotes removed. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let current = '';
  let started = false;
  let expands = false;
  const flush = (): void => {
    if (started) tokens.push({ kind: 'word', word: { text: current, expands } });
    current = '';
    started = false;
    expands = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      current += text.slice(i + 1, stop);
      started = true;
      i = stop;
    } else if (c === '"') {
      started = true;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) current += text[++i];
        else {
          if (text[i] === '$' || text[i] === '`') expands = true;
          current += text[i];
        }
      }
    } else if (c === '\\') {
      if (text[i + 1] !== '\n') current += text[i + 1] ?? '';
      started = true;
      i++;
    } else if (/\s/.test(c)) {
      flush();
    } else if (c === '>' || c === '<') {
      // `2>`, `&>`: the fd (or &) written just before belongs to the operator.
      let op = '';
      if (/^\d+$/.test(current) || current === '&') {
        op = current;
        current = '';
        started = false;
      }
      flush();
      op += c;
      while ('<>&|-'.includes(text[i + 1] ?? '') && text[i + 1] !== undefined) {
        // `>&2` / `>&-` keep their target in the operator; `<<-` too.
        op += text[++i];
        if (op.endsWith('&') && /\d|-/.test(text[i + 1] ?? '')) {
          while (/[\d-]/.test(text[i + 1] ?? '')) op += text[++i];
          break;
        }
      }
      tokens.push({ kind: 'redirect', op });
    } else {
      if (EXPANDING.has(c)) expands = true;
      current += c;
      started = true;
    }
  }
  flush();
  return tokens;
}

/** Targets that are not files on disk. */
const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

/** Wrappers that run the rest of their words as a command, and how many words their options take. */
const WRAPPERS: Record<string, { withValue: string[]; positional?: number }> = {
  command: { withValue: [] },
  builtin: { withValue: [] },
  exec: { withValue: ['-a'] },
  nohup: { withValue: [] },
  time: { withValue: ['-f', '-o'] },
  nice: { withValue: ['-n'] },
  ionice: { withValue: ['-c', '-n', '-p'] },
  setsid: { withValue: [] },
  stdbuf: { withValue: ['-i', '-o', '-e'] },
  env: { withValue: ['-u', '-C', '-S'] },
  sudo: { withValue: ['-u', '-g', '-C', '-h', '-p', '-U', '-r', '-t', '-D', '-R'] },
  doas: { withValue: ['-u', '-C'] },
  xargs: { withValue: ['-I', '-L', '-n', '-P', '-d', '-s', '-E', '-a', '--delimiter'] },
  timeout: { withValue: ['-s', '-k', '--signal', '--kill-after'], positional: 1 },
  watch: { withValue: ['-n', '-d'] },
  flock: { withValue: ['-w', '-E'], positional: 1 },
};
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The words after a wrapper's options (and its own positional words), or undefined when none. */
function unwrap(words: Word[]): Word[] | undefined {
  const name = basename(words[0]!.text);
  const spec = WRAPPERS[name];
  if (!spec) return undefined;
  let i = 1;
  while (i < words.length) {
    const w = words[i]!.text;
    if (w === '--') {
      i++;
      break;
    }
    if (name === 'env' && (ASSIGNMENT.test(w) || w === '-')) i++;
    else if (spec.withValue.includes(w)) i += 2;
    else if (w.startsWith('-') && w.length > 1) i++;
    else break;
  }
  i += spec.positional ?? 0;
  return i < words.length ? words.slice(i) : undefined;
}

/** `find … -exec rm {} ;` runs `rm {}`. */
function findExec(words: Word[]): Word[][] {
  if (basename(words[0]!.text) !== 'find') return [];
  const runs: Word[][] = [];
  for (let i = 1; i < words.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(words[i]!.text)) continue;
    const end = words.findIndex((w, j) => j > i && (w.text === ';' || w.text === '+'));
    const run = words.slice(i + 1, end < 0 ? words.length : end);
    if (run.length) runs.push(run);
    if (end < 0) break;
    i = end;
  }
  return runs;
}

function form(words: Word[]): string {
  return [basename(words[0]!.text), ...words.slice(1).map((w) => w.text)].join(' ');
}

export function parseSimpleCommand(text: string): ParsedCommand {
  const tokens = tokenize(text);
  const words: Word[] = [];
  const writes: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'word') {
      words.push(token.word);
      continue;
    }
    const op = token.op;
    // `2>&1`, `>&-`: fd duplication; heredocs and input redirections read.
    if (/&[\d-]+$/.test(op) || !op.includes('>')) {
      if (!/&[\d-]+$/.test(op)) i++;
      continue;
    }
    const target = tokens[i + 1];
    i++;
    if (target?.kind === 'word' && !HARMLESS_TARGETS.has(target.word.text)) {
      writes.push(target.word.text);
    } else if (target?.kind !== 'word') writes.push('?');
  }
  // Leading `FOO=1` assignments are not the program.
  let start = 0;
  while (start < words.length && ASSIGNMENT.test(words[start]!.text)) start++;
  const result: ParsedCommand = {
    words: words.slice(start).map((w) => w.text),
    forms: [text.trim()],
    writes,
    dynamic: false,
    nested: [],
  };

  const visit = (run: Word[] | undefined, depth: number): void => {
    if (!run?.length || depth > 8) return;
    const program = run[0]!;
    if (program.expands) {
      result.dynamic = true;
      return;
    }
    const name = basename(program.text);
    const normal = form(run);
    if (!result.forms.includes(normal)) result.forms.push(normal);
    if (name === 'tee') {
      for (const w of run.slice(1)) if (!w.text.startsWith('-')) writes.push(w.text);
    }
    if (SHELLS.has(name)) {
      const c = run.findIndex((w, j) => j > 0 && /^-[a-z]*c[a-z]*$/.test(w.text));
      if (c > 0 && run[c + 1]) result.nested.push(run[c + 1]!.text);
      else if (run.length > 1 || c > 0) result.dynamic = true;
    }
    if (name === 'eval' || name === 'source' || name === '.') {
      // What eval runs is a string built at run time; a sourced file is unknown content.
      result.dynamic = true;
      if (name === 'eval')
        result.nested.push(
          run
            .slice(1)
            .map((w) => w.text)
            .join(' '),
        );
    }
    for (const exec of findExec(run)) visit(exec, depth + 1);
    let rest = run;
    while (rest.length && ASSIGNMENT.test(rest[0]!.text)) rest = rest.slice(1);
    if (rest !== run) visit(rest, depth + 1);
    else visit(unwrap(run), depth + 1);
  };
  visit(words.slice(start), 0);
  return result;
}
