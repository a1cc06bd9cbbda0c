/** "llama3" → "llama3:latest": the server resolves a name without a tag the same way. */
export function normalizeModelName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.includes(':') ? name : `${name}:latest`;
}

export function sameModelName(a: string, b: string): boolean {
  return normalizeModelName(a) === normalizeModelName(b);
}
