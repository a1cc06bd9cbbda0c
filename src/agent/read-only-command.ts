/**
 * Whether a shell command only reads. Outside a git repository kirikae cannot list what a
 * command changed, so after any shell command the test gate ran: an `ls` or a `grep` to look
 * around cost a full suite run. A command is taken to only read when every simple command in it
 * is a program that writes no files with the arguments given and nothing redirects into a file.
 * Anything not known is taken to write: a wrong "reads" skips the tests after a real change,
 * a wrong "writes" only runs them once too often.
 */
import { basename } from 'node:path';
import { splitCommand } from './permissions.js';
import { parseSimpleCommand } from './shell-parse.js';

/** Programs that write no file whatever their arguments (output goes to stdout). */
const READERS = new Set([
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'ls',
  'pwd',
  'cd',
  'echo',
  'printf',
  'wc',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'ag',
  'stat',
  'file',
  'which',
  'du',
  'df',
  'diff',
  'cmp',
  'cut',
  'tr',
  'nl',
  'od',
  'xxd',
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
  const [first, ...args] = words;
  if (first === undefined) return true;
  const name = basename(first);
  if (READERS.has(name)) return true;
  const operands = args.filter((a) => !a.startsWith('-'));
  switch (name) {
    case 'find':
      return !args.some((a) => FIND_WRITERS.test(a));
    // `sort -o out`, `uniq in out`: the output file is an argument.
    case 'sort':
      return !args.some((a) => a.startsWith('-o') || a.startsWith('--output'));
    case 'uniq':
      return operands.length <= 1;
    case 'git': {
      const sub = args.find((a) => !a.startsWith('-'));
      return (
        sub !== undefined &&
        GIT_READERS.has(sub) &&
        args.indexOf(sub) === 0 &&
        !args.some((a) => a.startsWith('--output'))
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
    const parsed = parseSimpleCommand(part);
    return (
      !parsed.dynamic &&
      parsed.nested.length === 0 &&
      parsed.writes.length === 0 &&
      simpleReads(parsed.words)
    );
  });
}
