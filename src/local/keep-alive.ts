// keep_alive as Ollama reads it (api/types.go Duration.UnmarshalJSON): a JSON number is
// seconds; a string goes to Go's time.ParseDuration (ns, us/µs, ms, s, m, h; no d; "0" is the
// only unit-less string, so "3600" and "-1" are errors, HTTP 400); negative means forever.
// Used here to order resident models the way the scheduler does.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** keep_alive → ms; Infinity for a negative (forever) value; undefined when Ollama would 400. */
export function keepAliveMs(value: string | number): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return value < 0 ? Infinity : value * 1000;
  }
  const s = value.trim();
  if (/^[-+]?0$/.test(s)) return 0;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  return m[1] === '-' && total > 0 ? Infinity : total;
}
