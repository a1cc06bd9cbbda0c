// Text kirikae did not write (model answers, tool output, file contents, server errors) may
// carry terminal control sequences: OSC 52 writes the clipboard, OSC 0 the window title, CSI
// moves the cursor over what a person is about to approve. Before such text reaches a
// terminal every control character is replaced by a visible stand-in, so the sequence shows
// up as inert text (`␛]52;c;…␇`) instead of acting. Newlines and tabs are kept.

// C0 controls but \t and \n, DEL, C1 controls, and the bidi overrides and isolates that make
// text display in another order than it runs ("Trojan Source", CVE-2021-42574).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

function visible(char: string): string {
  const code = char.charCodeAt(0);
  // Control Pictures block: U+2400 + code for C0 (␛ for ESC, ␇ for BEL), ␡ for DEL.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Untrusted text made safe to print: every control character shown, not obeyed. */
export function sanitize(text: string): string {
  if (!UNSAFE.test(text)) return text;
  // A Windows line ending is a line ending, not a carriage return that rewrites the line.
  return text.replace(/\r\n/g, '\n').replace(UNSAFE_ALL, visible);
}

/** True when `text` holds anything `sanitize` would change (for a warning, or a test). */
export function hasControlCharacters(text: string): boolean {
  return UNSAFE.test(text);
}
