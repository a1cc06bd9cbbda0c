/**
 * What `ui.keymap` may say, for the config schema to check without importing the UI: the
 * actions the screen looks up in the keymap (the others — Enter to send, ↑/↓ history, Tab —
 * are the input box's own) and the keys it can match.
 */
export const REMAPPABLE_ACTIONS = [
  'interrupt',
  'fallbackNow',
  'clearInput',
  'modelsScreen',
  'pullScreen',
  'costsScreen',
  'back',
  'pageNext',
  'pagePrev',
  'routeAccept',
  'routePrevModel',
  'routeNextModel',
  'routeAlways',
  'routeSave',
  'routeDelegate',
  'cacheRouteAnyway',
  'cacheWrong',
  'routeCancel',
  'approveOnce',
  'approveSession',
  'approveAlways',
  'deny',
] as const;
export type RemappableAction = (typeof REMAPPABLE_ACTIONS)[number];

/** Keys named by a word (`space` arrives as typed text, the rest as key events). */
export const NAMED_KEYS = [
  'enter',
  'escape',
  'esc',
  'tab',
  'up',
  'down',
  'left',
  'right',
  'backspace',
  'pageup',
  'pagedown',
  'home',
  'end',
  'space',
] as const;
export type NamedKey = (typeof NAMED_KEYS)[number];

/**
 * Ctrl letters a terminal sends as another key (Ctrl-H is backspace's byte, Ctrl-M is Enter's):
 * bound, they could never be told apart (ui/keys.ts decodes them as the key named here).
 */
const TERMINAL_CTRL: Record<string, string> = {
  h: 'backspace',
  i: 'tab',
  j: 'a new line',
  m: 'enter',
  w: 'word-backspace',
};

/** Why one key of a binding cannot be matched, or undefined when it can. */
export function keySpecProblem(spec: string): string | undefined {
  if ((NAMED_KEYS as readonly string[]).includes(spec)) return undefined;
  if (/^ctrl\+[a-z]$/.test(spec)) {
    const letter = spec.slice(5);
    return TERMINAL_CTRL[letter]
      ? `"${spec}" arrives as ${TERMINAL_CTRL[letter]} in a terminal, not as a ctrl key`
      : undefined;
  }
  if ([...spec].length === 1 && spec.trim() === spec && spec >= ' ' && spec !== '\x7f')
    return undefined;
  return `"${spec}" is not a key: one character, ctrl+<letter>, or one of ${NAMED_KEYS.join(', ')}`;
}

/** Why a binding (`"ctrl+c, q"`) for `action` cannot be used, or undefined when it can. */
export function bindingProblem(action: string, keys: string): string | undefined {
  if (!(REMAPPABLE_ACTIONS as readonly string[]).includes(action)) {
    return `"${action}" is not an action that can be rebound; these can: ${REMAPPABLE_ACTIONS.join(', ')}`;
  }
  const specs = keys
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  // An action left with no key cannot be reached at all (Ctrl-C could no longer exit).
  if (!specs.length) return 'no key given: the action could not be reached';
  for (const spec of specs) {
    const problem = keySpecProblem(spec);
    if (problem) return problem;
  }
  return undefined;
}
