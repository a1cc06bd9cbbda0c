import type { NamedKey } from '../core/key-spec.js';
import type { KeyEvent } from './keys.js';

export type KeyContext = 'global' | 'chat' | 'route' | 'approval' | 'screen';

export interface KeyBinding {
  keys: string[];
  context: KeyContext;
  description: string;
}

/** Every key the app answers to; /help and `?` print this table, config `ui.keymap` overrides it. */
export const DEFAULT_KEYMAP = {
  submit: { keys: ['enter'], context: 'chat', description: 'send the prompt' },
  newline: {
    keys: ['alt+enter', 'shift+enter', '\\ enter'],
    context: 'chat',
    description: 'new line in the prompt',
  },
  historyPrev: { keys: ['up'], context: 'chat', description: 'previous prompt' },
  historyNext: { keys: ['down'], context: 'chat', description: 'next prompt' },
  complete: { keys: ['tab'], context: 'chat', description: 'complete a /command' },
  interrupt: {
    keys: ['escape'],
    context: 'chat',
    description: 'interrupt the answer (partial answer kept)',
  },
  fallbackNow: {
    keys: ['f'],
    context: 'chat',
    description: 'while a rate limit is waited out (empty prompt): fall back now',
  },
  clearInput: {
    keys: ['ctrl+c'],
    context: 'global',
    description: 'clear the input; twice in a row exits',
  },
  help: { keys: ['?'], context: 'chat', description: 'keys and commands (on an empty prompt)' },
  modelsScreen: { keys: ['ctrl+o'], context: 'global', description: 'local models screen' },
  pullScreen: { keys: ['ctrl+t'], context: 'global', description: 'ollama pull screen' },
  costsScreen: { keys: ['ctrl+l'], context: 'global', description: 'costs screen' },
  back: { keys: ['escape'], context: 'screen', description: 'back to the chat' },
  pageNext: { keys: ['pagedown', 'space'], context: 'screen', description: 'next page (help)' },
  pagePrev: { keys: ['pageup'], context: 'screen', description: 'previous page (help)' },
  routeAccept: { keys: ['enter'], context: 'route', description: 'accept the proposed route' },
  routeTier: { keys: ['0', '1', '2', '3', '4'], context: 'route', description: 'pick a tier' },
  routePrevModel: { keys: ['left'], context: 'route', description: 'previous model of the tier' },
  routeNextModel: { keys: ['right'], context: 'route', description: 'next model of the tier' },
  routeAlways: {
    keys: ['a'],
    context: 'route',
    description: 'always this route for this task type (session)',
  },
  routeSave: { keys: ['A'], context: 'route', description: 'save that rule to the config' },
  routeDelegate: {
    keys: ['d'],
    context: 'route',
    description: 'delegate mode on/off (plan here, hand sub-tasks to an executor)',
  },
  cacheRouteAnyway: {
    keys: ['r'],
    context: 'route',
    description: 'on a cached answer: route the prompt anyway',
  },
  cacheWrong: {
    keys: ['x'],
    context: 'route',
    description: 'on a cached answer: it was wrong, drop it',
  },
  routeCancel: {
    keys: ['escape'],
    context: 'route',
    description: 'cancel; the prompt goes back to the input',
  },
  approveOnce: { keys: ['y'], context: 'approval', description: 'allow once' },
  approveSession: { keys: ['s'], context: 'approval', description: 'allow for this session' },
  approveAlways: { keys: ['A'], context: 'approval', description: 'always allow (writes a rule)' },
  deny: {
    keys: ['n', 'escape'],
    context: 'approval',
    description: 'deny, with an optional note to the model',
  },
} satisfies Record<string, KeyBinding>;

export type Action = keyof typeof DEFAULT_KEYMAP;
export type Keymap = Record<Action, KeyBinding>;

export function buildKeymap(overrides: Record<string, string> = {}): Keymap {
  const keymap = structuredClone(DEFAULT_KEYMAP) as Keymap;
  for (const [action, keys] of Object.entries(overrides)) {
    if (action in keymap) {
      keymap[action as Action].keys = keys
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
    }
  }
  return keymap;
}

const NAMED: Record<Exclude<NamedKey, 'space'>, KeyEvent['name']> = {
  enter: 'enter',
  escape: 'escape',
  esc: 'escape',
  tab: 'tab',
  up: 'up',
  down: 'down',
  left: 'left',
  right: 'right',
  backspace: 'backspace',
  pageup: 'pageup',
  pagedown: 'pagedown',
  home: 'home',
  end: 'end',
};

export function keyMatches(spec: string, key: KeyEvent): boolean {
  // A space arrives as typed text; the keymap names it so the help can print it.
  if (spec === 'space') return key.name === 'char' && key.text === ' ';
  const named = NAMED[spec as Exclude<NamedKey, 'space'>] as KeyEvent['name'] | undefined;
  if (named) return key.name === named;
  if (spec.startsWith('ctrl+')) return key.name === 'ctrl' && key.text === spec.slice(5);
  return key.name === 'char' && key.text === spec;
}

export function isAction(keymap: Keymap, action: Action, key: KeyEvent): boolean {
  return keymap[action].keys.some((spec) => keyMatches(spec, key));
}
