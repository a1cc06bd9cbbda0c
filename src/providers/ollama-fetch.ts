/**
 * ollama-js writes to the console in two places we cannot configure: `console.warn("invalid
 * json: …")` for an NDJSON line it cannot parse (and then silently skips it), and
 * `console.log(…)` while reading a non-JSON error body. Either corrupts the Ink screen, so the
 * fetch handed to the client repairs responses first: a broken line becomes an error line the
 * library throws on, and a non-JSON error body becomes `{"error": text}`.
 */

export const MALFORMED_LINE_PREFIX = 'Malformed line from Ollama: ';

type Fetch = typeof fetch;

function errorLine(line: string): string {
  return JSON.stringify({ error: `${MALFORMED_LINE_PREFIX}${line.slice(0, 200)}` });
}

function checkLine(line: string): string {
  if (line.trim() === '') return line;
  try {
    JSON.parse(line);
    return line;
  } catch {
    return errorLine(line);
  }
}

/** Passes valid NDJSON lines through unchanged and replaces unparseable ones. */
export function validateNdjson(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        if (lines.length > 0) {
          controller.enqueue(encoder.encode(lines.map(checkLine).join('\n') + '\n'));
        }
      },
      flush(controller) {
        buffer += decoder.decode();
        if (buffer.trim()) controller.enqueue(encoder.encode(checkLine(buffer) + '\n'));
      },
    }),
  );
}

export async function repairOllamaResponse(response: Response): Promise<Response> {
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  if (!response.ok && !isJson) {
    const text = (await response.text().catch(() => '')).trim();
    return new Response(JSON.stringify({ error: text || `HTTP ${response.status}` }), {
      status: response.status,
      statusText: response.statusText,
      headers: { 'content-type': 'application/json' },
    });
  }
  if (!response.ok || !response.body) return response;
  return new Response(validateNdjson(response.body), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The fetch for one Ollama call: bound to the call's abort signal (ollama-js takes no signal
 * for the initial request) and repairing responses as described above.
 */
export function ollamaFetch(signal: AbortSignal, base: Fetch = fetch): Fetch {
  return async (input, init) => {
    const combined = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    return repairOllamaResponse(await base(input, { ...init, signal: combined }));
  };
}
