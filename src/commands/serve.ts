import type { GatewayCacheKit } from '../gateway/semantic.js';
// `kirikae serve`: the local gateway. Claude Code, Aider, opencode or a script point their base
// URL here and every request is routed, priced, budgeted and ledgered like a kirikae turn.
import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import type { Routing } from '../router/context.js';
import type { RouteOverride } from '../router/types.js';
import type { TurnRunnerDeps } from '../session/turn-runner.js';
import { startGateway, type Gateway, type GatewayRequestView } from '../gateway/server.js';
import { tokens, usd } from '../present/units.js';
import type { CommandIO } from './io.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4141;

export interface ServeArgs {
  host?: string;
  port?: string | number;
  passthrough?: boolean;
  /** Required to bind anywhere but loopback; checked on every request. */
  token?: string;
}

export interface ServeKit {
  config: () => Config;
  routing: Routing;
  runner: TurnRunnerDeps;
  pinned?: () => RouteOverride | undefined;
  /** The semantic answer cache for tool-free requests (cache.semantic). */
  cache?: GatewayCacheKit;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function parsePort(port: string | number | undefined): number {
  if (port === undefined) return DEFAULT_PORT;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new KirikaeError('config', `--port ${port} is not a port number`);
  }
  return n;
}

/** The lines a user pastes to send a tool's requests through the gateway. */
export function pasteLines(url: string, token: string | undefined): string[] {
  const key = token === undefined ? '' : 'ANTHROPIC_API_KEY=<your --token> ';
  const openaiKey =
    token === undefined ? 'OPENAI_API_KEY=kirikae' : 'OPENAI_API_KEY=<your --token>';
  return [
    `  ${key}ANTHROPIC_BASE_URL=${url} claude`,
    `  OPENAI_BASE_URL=${url}/v1 ${openaiKey} aider   (or opencode, codex, any OpenAI client)`,
  ];
}

/** One line per request: client, scenario, route, tokens, cost, speed. */
export function requestLine(view: GatewayRequestView): string {
  const parts = [view.client, view.scenario ?? '-', `→ ${view.route ?? 'refused'}`];
  if (view.fallbackFrom.length) parts.push(`(after ${view.fallbackFrom.join(', ')})`);
  if (view.cached) {
    const saved = view.cached.savedUsd === null ? '' : `, saved ${usd(view.cached.savedUsd)}`;
    parts.push(`cached answer (similarity ${view.cached.similarity.toFixed(2)})`, `$0${saved}`);
  }
  const last = view.records[view.records.length - 1];
  if (last) {
    const usage = last.usage;
    parts.push(
      `${tokens(usage.input + usage.cacheRead + usage.cacheWrite)} in`,
      `${tokens(usage.output)} out`,
      usd(
        view.records.reduce<number | null>(
          (sum, r) => (sum === null || r.costUsd === null ? null : sum + r.costUsd),
          0,
        ),
      ),
    );
    if (last.tokPerSec) parts.push(`${last.tokPerSec.toFixed(0)} tok/s`);
  }
  if (view.error) parts.push(`— ${view.error}`);
  return parts.join('  ');
}

/** Starts the gateway and serves until `until` resolves (SIGINT for the CLI). */
export async function runServe(
  args: ServeArgs,
  kit: ServeKit,
  io: CommandIO,
  until: (gateway: Gateway) => Promise<void>,
): Promise<number> {
  const host = args.host ?? DEFAULT_HOST;
  const port = parsePort(args.port);
  if (!isLoopbackHost(host) && !args.token) {
    throw new KirikaeError(
      'config',
      `Binding to ${host} exposes your API keys' spend to the network`,
      {
        hint: 'add --token <secret> (clients send it as their API key), or keep the default 127.0.0.1',
      },
    );
  }
  const gateway = await startGateway(
    {
      config: kit.config,
      routing: kit.routing,
      runner: kit.runner,
      passthrough: args.passthrough === true,
      ...(kit.pinned ? { pinned: kit.pinned } : {}),
      ...(kit.cache ? { cache: kit.cache } : {}),
      ...(args.token ? { token: args.token } : {}),
      onRequest: (view) => io.stderr.write(`${requestLine(view)}\n`),
    },
    { host, port },
  );
  io.stdout.write(
    [
      `kirikae gateway on ${gateway.url}${args.passthrough ? ' (passthrough: named models run unchanged)' : ''}`,
      'Paste one of these to route a tool through kirikae:',
      ...pasteLines(gateway.url, args.token),
      '',
    ].join('\n'),
  );
  try {
    await until(gateway);
  } finally {
    await gateway.close();
  }
  return 0;
}
