// The only place that wires everything. Heavy modules (Ink, React, the SDKs) are imported
// inside the actions that need them, so `kirikae --version` and `--help` stay fast.
import { Argument, Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { reportFatal } from './commands/fail.js';
import { processIO } from './commands/io.js';
import { sudoRefusal } from './commands/sudo.js';
import { exitOnTermination } from './commands/termination.js';

interface RootOptions {
  /** `-p "prompt"`, or `-p` alone with the prompt after the options or on stdin. */
  print?: string | boolean;
  model?: string;
  tier?: string;
  yes?: boolean;
  json?: boolean;
  continue?: boolean;
  delegate?: string | boolean;
  /** false with --no-stdin: -p reads nothing piped in (a `while read` loop's list). */
  stdin?: boolean;
}

/** Exit code of a command line kirikae cannot run as typed, as its own commands return it. */
const USAGE_EXIT = 2;

function buildProgram(): Command {
  const program = new Command('kirikae')
    // Commander exits 1 on a usage error, which scripts read as a failed run; subcommands
    // inherit this. Help and --version keep their 0.
    .exitOverride((error) => process.exit(error.exitCode === 1 ? USAGE_EXIT : error.exitCode))
    .description(
      'Route every coding turn to the tier that finishes the task cheapest: local Ollama, budget cloud, or frontier models.',
    )
    .version(pkg.version, '-v, --version', 'print the version')
    .option(
      '-p, --print [prompt]',
      'run one prompt headless and print the answer (the prompt may also follow the options, or be piped in)',
    )
    .argument('[prompt...]', 'with -p: the prompt')
    .option(
      '--model <provider/model>',
      'use this model (e.g. anthropic/claude-sonnet-4-6, ollama/qwen3-coder:30b)',
    )
    .addOption(
      new Option(
        '--tier <n>',
        'use this tier: 0 frontier, 1 standard, 2 efficient, 3 local, 4 budget',
      ).choices(['0', '1', '2', '3', '4']),
    )
    .option('--yes', 'approve every tool call (for scripts; deny rules still apply)')
    .option('--json', 'print one JSON object instead of text')
    .option(
      '-c, --continue',
      "resume the last session of this folder (with -p: send the prompt as that conversation's next turn)",
    )
    .option('--no-stdin', 'with -p: read nothing piped in (in a `while read` loop, as ssh -n)')
    .option(
      '--delegate [executor]',
      'with -p: the routed model plans and hands sub-tasks to an executor (default: the local tier; or e.g. haiku)',
    )
    .showHelpAfterError('(run kirikae --help for usage)')
    .hook('preAction', (_root, action) => {
      // doctor only reads: it may say what is wrong under sudo as well.
      if (action.name() === 'doctor') return;
      const refusal = sudoRefusal(process.env);
      if (refusal) {
        process.stderr.write(`${refusal}\n`);
        process.exit(1);
      }
    })
    .hook('preSubcommand', (root, command) => {
      // `kirikae -p explain doctor`: commander would run `doctor` and send no prompt.
      if (root.opts<RootOptions>().print !== undefined)
        root.error(
          `error: '${command.name()}' after -p is a kirikae command; quote the prompt (kirikae -p "… ${command.name()} …")`,
        );
    })
    .addHelpText(
      'after',
      `
Environment:
  ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY, DEEPSEEK_API_KEY   provider keys
  ANTHROPIC_BASE_URL, OPENAI_BASE_URL, OPENROUTER_BASE_URL, DEEPSEEK_BASE_URL   API endpoints
  OLLAMA_HOST         Ollama server (default http://127.0.0.1:11434)
  KIRIKAE_CONFIG_DIR  config folder    KIRIKAE_DATA_DIR  ledger and sessions folder
  KIRIKAE_CACHE_DIR   compiled-code cache folder (KIRIKAE_CODE_CACHE=0: none)
  KIRIKAE_DEBUG=1     stack traces on errors    NO_COLOR  no colours`,
    )
    .action(async (words: string[], options: RootOptions) => {
      const io = processIO();
      if (options.print === undefined && words[0] === 'help' && words.length <= 2) {
        // `kirikae help [command]`: commander adds that command only to a program without an
        // action of its own, and one here would also take `-p explain help` from the prompt.
        const command = program.commands.find((c) => c.name() === words[1]);
        if (words[1] === undefined || command) {
          (command ?? program).outputHelp();
          return;
        }
      }
      if (options.print === undefined && words.length) {
        // Without -p the words are a mistyped command, not a prompt to pay for.
        program.error(
          `error: unknown command '${words[0]}' (a prompt needs -p: kirikae -p "${words.join(' ')}")`,
        );
      }
      if (options.print !== undefined) {
        const { promptFromInput } = await import('./commands/print-prompt.js');
        const input = await promptFromInput(options.print, words, {
          stdin: process.stdin,
          stderr: io.stderr,
          readStdin: options.stdin !== false,
        });
        if ('error' in input) {
          io.stderr.write(`kirikae: ${input.error}\n`);
          process.exitCode = USAGE_EXIT;
          return;
        }
        const { prompt } = input;
        const { print } = await import('./wiring/headless.js');
        process.exitCode = await print(
          {
            prompt,
            model: options.model,
            tier: options.tier,
            yes: options.yes,
            json: options.json,
            ...(options.continue ? { continue: true } : {}),
            ...(options.delegate !== undefined ? { delegate: options.delegate } : {}),
          },
          io,
        );
        return;
      }
      if (!process.stdin.isTTY) {
        // Ink reads keys from a terminal: with a pipe or /dev/null the screen drew once and quit,
        // and text piped in (`echo "fix it" | kirikae`) was dropped without a word.
        io.stderr.write(
          'kirikae: the interactive session needs a terminal on stdin. To send a prompt from a script or a pipe: kirikae -p "…" (piped text follows the prompt)\n',
        );
        process.exitCode = 1;
        return;
      }
      const { runInteractive } = await import('./wiring/interactive.js');
      process.exitCode = await runInteractive({
        model: options.model,
        tier: options.tier,
        yes: options.yes,
        continueSession: options.continue,
      });
      // Everything is closed by now. An interrupted turn still books its last call in the next
      // few ticks; after that, a socket or timer some library left open must not keep a quit
      // terminal waiting. KIRIKAE_DEBUG_EXIT names what was still open.
      setTimeout(() => {
        if (process.env.KIRIKAE_DEBUG_EXIT)
          process.stderr.write(`still open: ${process.getActiveResourcesInfo().join(', ')}\n`);
        process.exit();
      }, 500).unref();
    });

  // The root also has --json, and commander gives a flag to the root when both define it:
  // `kirikae doctor --json` sets the root's. A subcommand reads its own, else the root's.
  const jsonFlag = (options: { json?: boolean }): boolean | undefined =>
    options.json ?? program.opts<RootOptions>().json;

  program
    .command('route')
    .description('show how a prompt would be routed, without sending anything')
    .argument('<prompt>', 'the prompt to classify and price (- reads it from stdin, as -p - does)')
    .option('--json', 'print one JSON object')
    .action(async (typed: string, options: { json?: boolean }) => {
      const root = program.opts<RootOptions>();
      let prompt = typed;
      if (typed === '-') {
        const { promptFromInput } = await import('./commands/print-prompt.js');
        const input = await promptFromInput(true, [], {
          stdin: process.stdin,
          stderr: process.stderr,
          readStdin: true,
        });
        if ('error' in input) {
          const empty = input.error.startsWith('-p needs a prompt');
          process.stderr.write(
            `kirikae: ${empty ? 'route - found no prompt on stdin: echo "…" | kirikae route -' : input.error}\n`,
          );
          process.exitCode = USAGE_EXIT;
          return;
        }
        prompt = input.prompt;
      }
      const { route } = await import('./wiring/headless.js');
      process.exitCode = await route(
        {
          prompt,
          json: jsonFlag(options),
          model: root.model,
          tier: root.tier === undefined ? undefined : Number(root.tier),
        },
        processIO(),
      );
    });

  program
    .command('doctor')
    .description('check Ollama, provider keys, memory, config and the tier table')
    .option('--json', 'print one JSON object')
    .option('--online', "ask each provider's /models which of the configured ids it serves")
    .action(async (options: { json?: boolean; online?: boolean }) => {
      const { runDoctor } = await import('./commands/doctor.js');
      process.exitCode = await runDoctor(
        { json: jsonFlag(options), online: options.online === true },
        processIO(),
      );
    });

  program
    .command('models')
    .description('list local models, or load / unload / pin one')
    // A typo ("unlaod") must not fall through to load: only these four actions exist.
    .addArgument(
      new Argument('[action]', 'list | load | unload | pin')
        .choices(['list', 'load', 'unload', 'pin'])
        .default('list'),
    )
    .argument('[model]', 'model name, e.g. qwen3-coder:30b')
    .option('--json', 'print one JSON object')
    .option('--ctx <size>', 'context to load with, e.g. 16k (default: the largest that fits)')
    .option('--host <host>', 'which configured Ollama host (URL, host:port or name)')
    .action(
      async (
        action: string,
        model: string | undefined,
        options: { json?: boolean; ctx?: string; host?: string },
      ) => {
        const { runModels } = await import('./commands/models.js');
        const { loadConfig } = await import('./config/store.js');
        process.exitCode = await runModels(
          {
            action: action as 'list' | 'load' | 'unload' | 'pin',
            model,
            json: jsonFlag(options),
            local: loadConfig(process.env).config.local,
            ...(options.ctx ? { numCtx: options.ctx } : {}),
            ...(options.host ? { host: options.host } : {}),
          },
          processIO(),
        );
      },
    );

  program
    .command('pull')
    .description('download an Ollama model with a progress bar')
    .argument('<model>', 'model name, e.g. qwen3-coder:30b')
    .option('--json', 'print progress as JSON lines')
    .option('--host <host>', 'which configured Ollama host to pull to (URL, host:port or name)')
    .action(async (model: string, options: { json?: boolean; host?: string }) => {
      const { runPull } = await import('./commands/pull.js');
      const { loadConfig } = await import('./config/store.js');
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.exitCode = await runPull(
        {
          model,
          json: jsonFlag(options),
          local: loadConfig(process.env).config.local,
          ...(options.host ? { host: options.host } : {}),
        },
        { ...processIO(), signal: abort.signal },
      );
    });

  program
    .command('costs')
    .description('spend per month, tier, model and task, with what-if re-pricing')
    .option('--month <YYYY-MM>', 'month to report (default: this month)')
    .addOption(
      new Option('--by <group>', 'grouping (role: planner, executor, overhead, verdict)').choices([
        'day',
        'tier',
        'model',
        'task',
        'role',
      ]),
    )
    .option(
      '--whatif <provider/model>',
      "price the same usage on another model (default: tier 0's first model)",
    )
    .option('--json', 'print one JSON object')
    .option('--csv', 'print the grouped rows as CSV')
    .option('--check', 'list calls whose billed cost is more than 5 % off the price table')
    .action(
      async (options: {
        month?: string;
        by?: 'day' | 'tier' | 'model' | 'task' | 'role';
        whatif?: string;
        json?: boolean;
        csv?: boolean;
        check?: boolean;
      }) => {
        const { runCosts } = await import('./commands/costs.js');
        process.exitCode = await runCosts({ ...options, json: jsonFlag(options) }, processIO());
      },
    );

  program
    .command('serve')
    .description('run the local gateway: Claude Code, Aider and scripts route through kirikae')
    .option('--host <host>', 'address to bind (default 127.0.0.1; others need --token)')
    .option('--port <port>', 'port to listen on (default 4141)')
    .option('--passthrough', 'run requests that name a model on that model, unrouted')
    .option('--token <secret>', 'require this token as the API key of every request')
    .action(
      async (options: { host?: string; port?: string; passthrough?: boolean; token?: string }) => {
        const { serve } = await import('./wiring/serve.js');
        process.exitCode = await serve(options, processIO());
      },
    );

  program
    .command('trial')
    .description(
      'does delegating pay here? run configurations on fresh worktrees, judged by a check',
    )
    .requiredOption('--task <file>', 'task file (JSON: prompt, setup, check)')
    .requiredOption(
      '--configs <list>',
      'e.g. solo:opus,delegate:opus+local,delegate:opus+haiku,solo:haiku',
    )
    .option('--runs <n>', 'runs per configuration', '1')
    .option('--parallel <n>', 'runs at a time, each in its own worktree', '1')
    .option('--csv <file>', 'write every run as CSV')
    .option('--json', 'print one JSON object')
    .action(
      async (options: {
        task: string;
        configs: string;
        runs: string;
        parallel: string;
        csv?: string;
        json?: boolean;
      }) => {
        const io = processIO();
        const [{ runTrialCommand }, { trialKit }, { buildCore }] = await Promise.all([
          import('./commands/trial.js'),
          import('./trial/kit.js'),
          import('./wiring/build.js'),
        ]);
        process.exitCode = await runTrialCommand(
          { ...options, json: jsonFlag(options) },
          trialKit(buildCore, io),
          io,
        );
      },
    );

  program
    .command('sessions')
    .description('list saved sessions (resume the last one with kirikae --continue)')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const { runSessions } = await import('./commands/sessions.js');
      process.exitCode = await runSessions({ json: jsonFlag(options) }, processIO());
    });

  program
    .command('cache')
    .description('the semantic answer cache: stats | list | clear | export (JSON lines)')
    .argument('[action]', 'stats | list | clear | export', 'stats')
    .action(async (action: string) => {
      const { runCache } = await import('./commands/cache.js');
      process.exitCode = await runCache(action, processIO());
    });

  program
    .command('config')
    .description('show or change settings: config path | get [key] | set <key> <value>')
    .argument('<action>', 'path | get | set')
    .argument('[key]', 'dotted key, e.g. budget.monthlyUsd')
    .argument('[value]', 'new value (JSON or text)')
    .action(async (action: string, key: string | undefined, value: string | undefined) => {
      const { runConfig } = await import('./commands/config.js');
      process.exitCode = await runConfig({ action, key, value }, processIO());
    });

  return program;
}

// A closed terminal or a kill must not leave bash children running: end their process groups,
// then exit with the signal's code. The agent is loaded only if a command ever started one.
// Calls under way are written as they stand, for the next kirikae to book (ledger/inflight).
exitOnTermination(() =>
  Promise.all([
    import('./ledger/inflight.js').then((m) => m.flushLiveMarkers()),
    import('./agent/process.js').then((m) => m.killAllProcessGroups()),
  ]),
);

/**
 * `-p "-x is broken"`: an optional value that starts with a dash is read as an option by
 * commander (the required `<prompt>` before took it), so a prompt like that, or one made by
 * "$(cat notes.md)" that opens with a list, failed as an unknown option. The word after `-p`
 * is the prompt unless it is one of kirikae's own options.
 */
function withDashPrompt(argv: readonly string[], program: Command): string[] {
  const flags = new Set(
    program.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f)),
  );
  // A word shaped like an option (`--jsn`) stays one, so a typo is an error, not a paid prompt.
  const prompt = (word: string | undefined): word is string =>
    word !== undefined &&
    word.startsWith('-') &&
    !flags.has(word.split('=')[0]!) &&
    (/\s/.test(word) || !/^--?[A-Za-z][\w-]*(=|$)/.test(word));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if ((arg === '-p' || arg === '--print') && prompt(next) && next !== '-' && next !== '--') {
      out.push(`--print=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

try {
  const program = buildProgram();
  await program.parseAsync(withDashPrompt(process.argv, program));
} catch (error) {
  process.exitCode = reportFatal(error, process.stderr, process.env);
}
