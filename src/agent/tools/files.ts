import { open } from 'node:fs/promises';

const SAMPLE_BYTES = 8192;

/**
 * Binary-or-text heuristic (what git and ripgrep do, roughly): a NUL byte in the first 8 KB,
 * or bytes that are not valid UTF-8. A model fed a PNG as text wastes a context window.
 */
export function looksBinary(sample: Uint8Array): boolean {
  const head = sample.subarray(0, SAMPLE_BYTES);
  if (head.includes(0)) return true;
  try {
    // stream: true tolerates a character cut in half at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** Reads the first 8 KB of a file to decide whether it is binary. */
export async function fileLooksBinary(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    return looksBinary(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
