/**
 * Whether a shell command only reads. Outside a git repository kirikae cannot list what a
 * command changed, so after any shell command the test gate ran: an `ls` or a `grep` to look
 * around cost a full suite run. A command is taken to only read when every simple command in it
 * is a program that writes no files with the arguments given and nothing redirects into a file.
 * Anything not known is taken to write: a wrong "reads" skips the tests after a real change,
 * a wrong "writes" only runs them once too often.
 */
import { splitCommand } from './permissions.js';
import { parseSimpleCommand } from './shell-parse.js';

/**
 * Programs that write no file and run no other program whatever their arguments (output goes to
 * stdout). Not here: `less -o log`, `file -C`, `xxd in out`, `rg --pre cmd`.
 */
const READERS = new Set([
  'cat',
  'head',
  'tail',
  'ls',
  'pwd',
  'cd',
  'echo',
  'printf',
  'wc',
  'grep',
  'egrep',
  'fgrep',
  'ag',
  'stat',
  'which',
  'du',
  'df',
  'diff',
  'cmp',
  'cut',
  'tr',
  'nl',
  'od',
  'hexdump',
  'basename',
  'dirname',
  'realpath',
  'readlink',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'shasum',
  'true',
  'false',
  'test',
  '[',
  'jq',
  'column',
]);

/** git subcommands that leave the work tree and the repository as they were. */
const GIT_READERS = new Set([
  'status',
  'diff',
  'log',
  'show',
  'ls-files',
  'blame',
  'grep',
  'rev-parse',
]);

/** find's actions that write or run something. */
const FIND_WRITERS = /^-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$/;

function simpleReads(words: readonly string[]): boolean {
  const [name, ...args] = words;
  if (name === undefined) return true;
  // A bare name only: `./test -u` or `bin/cat` is a project's own script.
  if (name.includes('/')) return false;
  if (READERS.has(name)) return true;
  const operands = args.filter((a) => !a.startsWith('-'));
  switch (name) {
    case 'find':
      return !args.some((a) => FIND_WRITERS.test(a));
    // `sort -uo out`, `sort --out=x`, `uniq in out`: the output file is an argument.
    case 'sort':
      return !args.some((a) => /^-[^-]*o/.test(a) || /^--o/.test(a) || a === '--compress-program');
    // `rg --pre cmd` runs cmd on every file it searches.
    case 'rg':
      return !args.some((a) => a.startsWith('--pre'));
    case 'uniq':
      return operands.length <= 1;
    case 'git': {
      // `--output` writes a file; `--ext-diff`, `--textconv`, `-O` (grep's pager) run programs.
      const [sub] = args;
      return (
        sub !== undefined &&
        GIT_READERS.has(sub) &&
        !args.some((a) => /^--(output|ext-diff|textconv|open-files-in-pager)|^-[^-]*O/.test(a))
      );
    }
    default:
      return false;
  }
}

export function onlyReads(command: string): boolean {
  const { parts, complex } = splitCommand(command);
  if (complex || parts.length === 0) return false;
  return parts.every((part) => {
    // `GIT_EXTERNAL_DIFF=./x.sh git diff`: an assignment can make a reader run a program.
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(part)) return false;
    const parsed = parseSimpleCommand(part);
    return (
      !parsed.dynamic &&
      parsed.nested.length === 0 &&
      parsed.writes.length === 0 &&
      simpleReads(parsed.words)
    );
  });
}
