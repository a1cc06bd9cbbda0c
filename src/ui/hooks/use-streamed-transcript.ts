import { useState } from 'react';
import type { LiveTurn, TranscriptItem } from '../../session/types.js';
import { finishedUpTo } from '../markdown.js';

/** One entry of what has been printed above the live region, in print order. */
export interface PrintedItem {
  key: string;
  item: TranscriptItem;
}

/**
 * What has been printed (it only grows: Ink's <Static> prints each entry once), how much of the
 * live answer is in it, and how far into the session's transcript it has read.
 */
export interface PrintLog {
  printed: PrintedItem[];
  /** Characters of the live answer already printed (always at a paragraph cut). */
  liveCut: number;
  seen: number;
  clearEpoch: number;
  chunks: number;
}

const EMPTY: PrintLog = { printed: [], liveCut: 0, seen: 0, clearEpoch: 0, chunks: 0 };

function chunkItem(log: PrintLog, text: string, live: LiveTurn): PrintedItem {
  return {
    key: `s${log.chunks}`,
    item: {
      // Negative ids: never a session item's.
      id: -1 - log.chunks,
      kind: 'assistant',
      text,
      model: live.model,
      // An executor's paragraphs are its own from the first one on, not the planner's.
      ...(live.executor ? { executor: live.executor } : {}),
      ...(log.liveCut > 0 ? { continued: true } : {}),
    },
  };
}

/**
 * The next print log for the session's transcript and live turn (pure; returns `log` itself when
 * nothing changed). Finished paragraphs of the live answer are printed as they finish, so the
 * live region Ink redraws on every frame holds only the paragraph being written; when the
 * session then moves the answer into its transcript, only the part not printed yet is printed.
 */
export function advancePrintLog(
  log: PrintLog,
  transcript: readonly TranscriptItem[],
  live: LiveTurn | undefined,
  clearEpoch: number,
): PrintLog {
  if (clearEpoch !== log.clearEpoch) log = { ...EMPTY, clearEpoch };
  let next = log;
  const edit = (): PrintLog =>
    next === log ? (next = { ...log, printed: [...log.printed] }) : next;
  for (let i = log.seen; i < transcript.length; i++) {
    const item = transcript[i]!;
    const n = edit();
    n.seen = i + 1;
    if (item.kind === 'assistant' && n.liveCut > 0) {
      // The live answer, finished: its first liveCut characters are already on the screen.
      const rest = item.text.slice(n.liveCut).replace(/^\s*\n/, '');
      n.liveCut = 0;
      if (rest.trim())
        n.printed.push({ key: `t${item.id}`, item: { ...item, text: rest, continued: true } });
      continue;
    }
    n.printed.push({ key: `t${item.id}`, item });
  }
  // The live turn ended without its text becoming an item: what was printed stays printed.
  if (!live && next.liveCut) edit().liveCut = 0;
  const text = live?.text ?? '';
  const cut = finishedUpTo(text, Math.min(next.liveCut, text.length));
  if (cut > next.liveCut) {
    const n = edit();
    const chunk = text
      .slice(n.liveCut, cut)
      .replace(/^\s*\n/, '')
      .trimEnd();
    if (chunk) n.printed.push(chunkItem(n, chunk, live!));
    n.chunks++;
    n.liveCut = cut;
  }
  return next;
}

/**
 * The transcript as printed (finished items, and the live answer's finished paragraphs), and the
 * live turn with only its unfinished part.
 */
export function useStreamedTranscript(
  transcript: readonly TranscriptItem[],
  live: LiveTurn | undefined,
  clearEpoch: number,
): { printed: PrintedItem[]; live: LiveTurn | undefined } {
  const [log, setLog] = useState(() => advancePrintLog(EMPTY, transcript, live, clearEpoch));
  const next = advancePrintLog(log, transcript, live, clearEpoch);
  // React's pattern for state derived from the previous render: it renders again at once.
  if (next !== log) setLog(next);
  const rest =
    live && next.liveCut
      ? { ...live, text: live.text.slice(next.liveCut).replace(/^\s*\n/, '') }
      : live;
  return { printed: next.printed, live: rest };
}
