// The local runtime reads each host one refresh at a time: the status bar asks every 5 s whether
// or not the last answer came, and a stuck Ollama piled up requests. A caller during a read
// still gets data read after its call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.js';
import { createLocalRuntime } from '../../src/local/runtime.js';

/** An Ollama that holds every answer until `answerAll()`; its bodies follow api/types.go. */
async function slowOllama() {
  const held: (() => void)[] = [];
  const seen: string[] = [];
  let holding = true;
  let models: { name: string; model: string; size: number; digest: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '');
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // /api/tags and /api/ps both answer {"models": [...]} (ListResponse / ProcessResponse);
      // /api/show's facts are not needed here ({} parses as no facts).
      res.end(
        JSON.stringify(
          req.url === '/api/show' ? {} : { models: req.url === '/api/tags' ? models : [] },
        ),
      );
    };
    if (holding) held.push(answer);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    setModels: (m: typeof models) => (models = m),
    /** Answers what is held and everything after at once. */
    answerAll: () => {
      holding = false;
      held.splice(0).forEach((answer) => answer());
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

const tick = () => new Promise((r) => setTimeout(r, 30));

/**
 * The count once it has stopped changing for three ticks: on a loaded machine the second of a
 * read's requests can reach the server after one tick has passed.
 */
async function settled(count: () => number): Promise<number> {
  let stable = 0;
  let last = count();
  while (stable < 3) {
    await tick();
    const now = count();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

describe('local runtime refresh', () => {
  it('reads a host once at a time, with one read waiting, however often it is asked', async () => {
    const ollama = await slowOllama();
    stop = ollama.close;
    const local = createLocalRuntime({
      config: defaultConfig(),
      env: { OLLAMA_HOST: ollama.url },
      memory: () => undefined,
      createChat: () => {
        throw new Error('no chats here');
      },
    });
    const tagsAsked = () => ollama.seen.filter((u) => u === '/api/tags').length;
    const first = local.refresh();
    const perRead = await settled(tagsAsked); // the listing and the residency planner each ask
    expect(perRead).toBeGreaterThan(0);
    const during = [local.refresh(), local.refresh(), local.refresh(), local.refresh()];
    expect(await settled(tagsAsked)).toBe(perRead); // the four callers wait; nothing new was sent

    // What the waiting callers get was read after they asked: the model installed meanwhile.
    ollama.setModels([
      { name: 'qwen3:8b', model: 'qwen3:8b', size: 5.2e9, digest: 'a'.repeat(64) },
    ]);
    ollama.answerAll();
    await first;
    await Promise.all(during);
    expect(tagsAsked()).toBe(2 * perRead); // exactly one more read for all four
    expect(local.hosts[0]!.installed()?.map((m) => m.name)).toEqual(['qwen3:8b']);
  });
});
