import { statSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { PROVIDER_IDS, type ProviderId } from '../core/model-ref.js';
import { isKirikaeError } from '../core/errors.js';
import { providerSetup } from '../providers/index.js';
import { normalizeOllamaHost } from '../local/host.js';
import { classifierReport } from './doctor-classifier.js';
import { OllamaInventory } from '../local/inventory.js';
import { readMemory } from '../telemetry/memory.js';
import { checkModels, type ModelCheck } from '../catalog/model-check.js';
import { bytes, count } from '../present/units.js';
import { committedWeightsStatus, type WeightsStatus } from '../router/trained.js';
import { checkOnline, type FetchLike, type OnlineReport } from './doctor-online.js';
import type { CommandIO } from './io.js';

const OLLAMA_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface OllamaReport {
  host: string;
  reachable: boolean;
  version?: string;
  installed: { name: string; sizeBytes: number }[];
  resident: { name: string; sizeBytes: number }[];
  error?: string;
}

async function checkOllama(env: NodeJS.ProcessEnv): Promise<OllamaReport> {
  const host = normalizeOllamaHost(env.OLLAMA_HOST);
  const inventory = new OllamaInventory({ host });
  try {
    const [version, installed, resident] = await withTimeout(
      Promise.all([inventory.version(), inventory.installed(), inventory.resident()]),
      OLLAMA_TIMEOUT_MS,
      `Ollama at ${host}`,
    );
    return {
      host,
      reachable: true,
      version,
      installed: installed.map((m) => ({ name: m.name, sizeBytes: m.sizeBytes })),
      resident: resident.map((m) => ({ name: m.name, sizeBytes: m.sizeBytes })),
    };
  } catch (error) {
    const message = isKirikaeError(error)
      ? error.describe()
      : error instanceof Error
        ? error.message
        : String(error);
    return { host, reachable: false, installed: [], resident: [], error: message };
  }
}

export interface DoctorProblem {
  what: string;
  fix: string;
}

export interface DoctorArgs {
  json?: boolean;
  /** Ask each provider's /models which ids it serves (needs the network and the keys). */
  online?: boolean;
}

export interface DoctorDeps {
  fetch?: FetchLike;
  today?: Date;
  /** The router's weights (tests make them unusable). */
  weights?: () => WeightsStatus;
}

/** One line per configured model: its price source, or what is wrong and the fix. */
function modelLines(models: ModelCheck[], online: OnlineReport | undefined): string[] {
  const width = Math.max(...models.map((m) => m.id.length));
  return models.map((m) => {
    const missing = online?.missing.includes(m.id) ?? false;
    const good = !m.problems.length && !missing;
    const notes = [
      m.source,
      ...m.problems.map((p) => p.problem),
      ...(missing ? ['not listed by the provider'] : []),
    ];
    return `  ${good ? '✓' : '✗'} ${m.id.padEnd(width)}  ${notes.join(' · ')}`;
  });
}

/**
 * A Redis password in a config file other users can read. Config files written through `conf`
 * (before the config store wrote its own) are 0644 under the usual umask, and a write keeps an
 * existing file's mode, so the owner-only default of new files never reached them.
 */
export function exposedPassword(
  path: string,
  redisUrl: string | undefined,
  modeOf: (path: string) => number | undefined = (p) => {
    try {
      return statSync(p).mode & 0o777;
    } catch {
      return undefined;
    }
  },
): DoctorProblem | undefined {
  if (!redisUrl || process.platform === 'win32') return undefined;
  const password = URL.canParse(redisUrl) ? new URL(redisUrl).password : ''; // else the schema says it
  const mode = password ? modeOf(path) : undefined;
  if (mode === undefined || (mode & 0o077) === 0) return undefined;
  return {
    what: `${path} holds a Redis password (cache.semantic.redisUrl) and other users can read it (mode ${mode.toString(8).padStart(4, '0')})`,
    fix: `chmod 600 ${path}`,
  };
}

/**
 * `kirikae doctor`: exit 0 when at least one provider is usable and the config file validates,
 * 1 otherwise. A key left unset for a provider one does not use is not a failure; a config field
 * that fell back to its default (a permission rule among them) is, for a script to notice.
 */
export async function runDoctor(
  args: DoctorArgs,
  io: CommandIO,
  deps: DoctorDeps = {},
): Promise<number> {
  const loaded = loadConfig(io.env);
  const problems: DoctorProblem[] = loaded.problems.map((p) => ({
    what: p,
    fix: 'fix the field with kirikae config set, or edit the file; it was left untouched',
  }));
  const exposed = exposedPassword(loaded.path, loaded.config.cache.semantic.redisUrl);
  if (exposed) problems.push(exposed);
  const [ollama, memory] = await Promise.all([
    checkOllama(io.env),
    readMemory().catch(() => undefined),
  ]);
  if (!ollama.reachable) {
    problems.push({
      what: `Ollama not reachable at ${ollama.host}`,
      // The mapped error already names its fix (ollama serve, OLLAMA_HOST) or what went wrong.
      fix: ollama.error ?? 'start it with `ollama serve`, or set OLLAMA_HOST to where it runs',
    });
  } else if (!ollama.installed.length) {
    problems.push({ what: 'Ollama has no models installed', fix: 'kirikae pull qwen3-coder:30b' });
  }
  const providers = Object.fromEntries(
    PROVIDER_IDS.filter((id) => id !== 'ollama').map((id) => {
      const setup = providerSetup(id, io.env);
      if (!setup.keySet)
        problems.push({
          what: `${id}: ${setup.keyVar} is not set`,
          fix: `export ${setup.keyVar}=…`,
        });
      return [id, { ...setup, usable: setup.keySet }];
    }),
  ) as Record<
    Exclude<ProviderId, 'ollama'>,
    ReturnType<typeof providerSetup> & { usable: boolean }
  >;
  const weights = (deps.weights ?? committedWeightsStatus)();
  if (!weights.usable)
    problems.push({
      what: `the router's trained weights cannot be used (${weights.error})`,
      fix: 'reinstall kirikae, or run `npm run build` in its folder; until then the hand-written rules route every turn',
    });
  const classifier = classifierReport(loaded.config, {
    ollama,
    keySet: (provider) =>
      (providers as Record<string, { keySet: boolean } | undefined>)[provider]?.keySet ?? false,
  });
  if (classifier.problem) problems.push(classifier.problem);
  const models = checkModels(loaded.config, deps.today);
  for (const m of models)
    for (const p of m.problems) problems.push({ what: `${m.id} ${p.problem}`, fix: p.fix });
  const online = args.online
    ? await checkOnline(
        models.map((m) => m.id),
        io.env,
        deps.fetch ?? (fetch as FetchLike),
      )
    : undefined;
  for (const id of online?.missing ?? [])
    problems.push({
      what: `${id} is not listed by its provider's /models`,
      fix: 'check the id against the provider, or pick another model for that tier',
    });
  for (const p of online?.providers ?? [])
    if (p.error)
      problems.push({ what: `${p.provider}: ${p.url} failed (${p.error})`, fix: 'retry later' });
  const modelProblems =
    models.reduce((n, m) => n + m.problems.length, 0) + (online?.missing.length ?? 0);
  const usable = [
    ...Object.entries(providers)
      .filter(([, p]) => p.usable)
      .map(([id]) => id),
    ...(ollama.reachable && ollama.installed.length ? ['ollama'] : []),
  ];

  const exitCode = usable.length && !loaded.problems.length ? 0 : 1;
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          config: {
            path: loaded.path,
            valid: loaded.problems.length === 0,
            problems: loaded.problems,
          },
          ollama,
          providers,
          memory: memory
            ? {
                totalBytes: memory.totalBytes,
                usedBytes: memory.usedBytes,
                pressure: memory.pressure,
              }
            : null,
          router: weights,
          classifier: {
            setting: classifier.setting,
            askModelBelow: classifier.below,
            ready: classifier.ready,
            model: classifier.model ?? null,
          },
          models,
          ...(online ? { online } : {}),
          usable,
          problems,
        },
        null,
        2,
      )}\n`,
    );
    return exitCode;
  }

  const out: string[] = [];
  const ok = (good: boolean): string => (good ? '✓' : '✗');
  out.push(
    // Only what does not validate takes its default: the rest of the file applies.
    `config     ${ok(!loaded.problems.length)} ${loaded.path}${loaded.problems.length ? ` (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} below; what does not validate uses its default)` : ''}`,
  );
  for (const p of loaded.problems) out.push(`             ${p}`);
  if (ollama.reachable) {
    const resident =
      ollama.resident.map((m) => `${m.name} ${bytes(m.sizeBytes)}`).join(', ') || 'none';
    out.push(
      `ollama     ✓ ${ollama.host} v${ollama.version} · ${ollama.installed.length} installed · resident: ${resident}`,
    );
    if (ollama.installed.length)
      out.push(`             ${ollama.installed.map((m) => m.name).join(', ')}`);
  } else {
    out.push(`ollama     ✗ ${ollama.host} not reachable`);
  }
  for (const [id, p] of Object.entries(providers)) {
    out.push(
      `${id.padEnd(10)} ${ok(p.keySet)} ${p.keyVar} ${p.keySet ? 'set' : 'not set'} · ${p.baseUrl}`,
    );
  }
  out.push(
    memory
      ? `memory     ${bytes(memory.usedBytes)} used of ${bytes(memory.totalBytes)} · pressure ${memory.pressure}`
      : 'memory     could not be read',
  );
  out.push(
    weights.usable
      ? `router     ✓ trained on ${count(weights.examples)} prompts (${weights.at}), ${count(weights.dim)} slots`
      : `router     ✗ trained weights unusable: routing by the hand-written rules`,
  );
  out.push(`classifier ${classifier.line}`);
  out.push(
    `models     ${modelProblems ? `✗ ${modelProblems} problem(s)` : '✓ every model current and priced'}${online ? ' (checked online)' : ''}`,
  );
  out.push(...modelLines(models, online));
  out.push('');
  out.push(usable.length ? `usable: ${usable.join(', ')}` : 'no provider is usable yet');
  if (problems.length) {
    out.push('');
    out.push('to fix:');
    for (const p of problems) out.push(`  - ${p.what}: ${p.fix}`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return exitCode;
}
