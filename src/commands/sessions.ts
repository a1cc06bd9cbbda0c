import { dataDir } from '../config/paths.js';
import { listSessions, type SessionInfo } from '../agent/sessions.js';
import { oneLine } from '../agent/output.js';
import { reportFatal } from './fail.js';
import type { CommandIO } from './io.js';

export interface SessionsArgs {
  json?: boolean;
}

/** `2026-01-21 21:55` in local time: what a person scanning a list wants. */
function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function homeShort(folder: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  return home && (folder === home || folder.startsWith(`${home}/`))
    ? `~${folder.slice(home.length)}`
    : folder;
}

export function renderSessions(sessions: readonly SessionInfo[], env: NodeJS.ProcessEnv): string {
  if (sessions.length === 0) return 'No sessions yet.\n';
  const rows = sessions.map((s) => [
    s.id,
    homeShort(s.folder, env),
    shortTime(s.started),
    shortTime(s.lastActivity),
    String(s.turns),
    s.firstPrompt ? oneLine(s.firstPrompt, 50) : '',
  ]);
  const header = ['ID', 'FOLDER', 'STARTED', 'LAST ACTIVITY', 'TURNS', 'FIRST PROMPT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (row: string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}

/** `kirikae sessions`: saved sessions, most recent first (resume with `kirikae --continue`). */
export async function runSessions(args: SessionsArgs, io: CommandIO): Promise<number> {
  try {
    const sessions = await listSessions(dataDir(io.env));
    if (args.json) {
      const items = sessions.map(({ path: _path, ...rest }) => rest);
      io.stdout.write(`${JSON.stringify({ sessions: items }, null, 2)}\n`);
    } else {
      io.stdout.write(renderSessions(sessions, io.env));
    }
    return 0;
  } catch (error) {
    return reportFatal(error, io.stderr, io.env);
  }
}
