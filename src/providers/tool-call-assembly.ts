import type { ToolCall } from '../core/index.js';
import { toolCallFromRaw } from './tool-args.js';

/** One streamed piece of a tool call, as Chat Completions sends it in delta.tool_calls. */
export interface ToolCallPiece {
  index: number;
  id?: string | null;
  name?: string | null;
  arguments?: string | null;
}

interface PendingCall {
  index: number;
  id?: string;
  name: string;
  args: string;
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Assembles streamed tool calls by id, not by index alone. Real OpenAI-compatible servers
 * (and OpenAI's own GPT-5 models) break the index-only assumption in two ways:
 * - the function name is re-sent in every delta, so `name +=` yields `read_fileread_file`;
 * - parallel calls all arrive at index 0, each with its own id, so `arguments +=` yields
 *   `{"path":"a.ts"}{"path":"b.ts"}` (open-webui #22177/#22235, mcowger/plexus #691).
 * A piece with a new id starts a new call; a piece without an id continues the latest call at
 * its index. Names are set once, never concatenated.
 */
export class ToolCallAssembler {
  private readonly calls: PendingCall[] = [];
  /** Characters of argument text taken in (for the output estimate of a cut stream). */
  argumentChars = 0;

  push(piece: ToolCallPiece): void {
    const call = this.target(piece);
    const name = piece.name ?? '';
    // A name re-sent whole (or sent cumulatively) replaces a prefix of itself; never append.
    if (name && (call.name === '' || name.startsWith(call.name))) call.name = name;
    const args = piece.arguments ?? '';
    if (args) {
      call.args += args;
      this.argumentChars += args.length;
    }
  }

  private target(piece: ToolCallPiece): PendingCall {
    const id = piece.id || undefined;
    if (id) {
      const known = this.calls.find((c) => c.id === id);
      if (known) return known;
      const open = this.latestAt(piece.index);
      // The first piece at an index may have come without its id; adopt it then.
      if (open && open.id === undefined && open.name === '' && open.args === '') {
        open.id = id;
        return open;
      }
      return this.start(piece.index, id);
    }
    const latest = this.latestAt(piece.index);
    if (!latest) return this.start(piece.index);
    // Without an id, a second complete JSON object at the same index is a second call whose
    // id the server did not send (or the same arguments sent again, which are dropped).
    const args = piece.arguments?.trimStart() ?? '';
    if (args.startsWith('{') && latest.args && isCompleteJson(latest.args)) {
      if (args.trim() === latest.args.trim()) return { index: piece.index, name: '', args: '' };
      return this.start(piece.index, undefined, latest.name);
    }
    return latest;
  }

  private latestAt(index: number): PendingCall | undefined {
    return this.calls.findLast((c) => c.index === index);
  }

  private start(index: number, id?: string, name = ''): PendingCall {
    const call: PendingCall = { index, name, args: '', ...(id ? { id } : {}) };
    this.calls.push(call);
    return call;
  }

  get size(): number {
    return this.calls.length;
  }

  /** The calls in the order they started (index order for well-behaved servers), then cleared. */
  flush(): ToolCall[] {
    const ordered = [...this.calls].sort((a, b) => a.index - b.index);
    this.calls.length = 0;
    return ordered.map((call, n) => toolCallFromRaw(call.id ?? `call_${n}`, call.name, call.args));
  }
}
