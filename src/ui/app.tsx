import { Box, Static, Text, measureElement, useStdout, type DOMElement } from 'ink';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AppController, AppState, Screen } from '../session/types.js';
import { isTier } from '../core/tier.js';
import { completeCommand, isSlashCommand, runSlashCommand } from './slash-commands/index.js';
import { ApprovalDialog } from './components/approval-dialog.js';
import { Header } from './components/header.js';
import { InputBox } from './components/input-box.js';
import { LiveTurnView } from './components/live-turn.js';
import { RouteCard } from './components/route-card.js';
import { StatusBar } from './components/status-bar.js';
import { TranscriptItemView } from './components/transcript-item.js';
import { useKeys } from './hooks/use-keys.js';
import { useScreenBuffer } from './hooks/use-screen-buffer.js';
import { useStreamedTranscript } from './hooks/use-streamed-transcript.js';
import { useSessionState } from './hooks/use-session-state.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import * as edit from './input-model.js';
import { isAction, type Keymap } from './keymap.js';
import type { KeyEvent } from './keys.js';
import { splitTypedChunk } from './keys.js';
import { HelpScreen } from './screens/help.js';
import { loadTheme } from './theme.js';
import { ThemeContext } from './theme-context.js';

/** Screens other than the chat, each given the controller and the width; plugged in by run.tsx. */
export type ScreenRenderers = Partial<
  Record<
    Exclude<Screen, 'chat' | 'help'>,
    (props: { width: number; active: boolean; rows?: number }) => ReactNode
  >
>;

export interface AppProps {
  controller: AppController;
  keymap: Keymap;
  screens?: ScreenRenderers;
  env?: NodeJS.ProcessEnv;
  /** Least time between two renders of the session's state (tests pass 0). */
  frameMs?: number;
  /** Draw other screens on the terminal's alternate screen (render.tsx, on a TTY). */
  altScreen?: boolean;
}

const CTRL_C_WINDOW_MS = 2_000;
const CTRL_C_HINT = 'Press Ctrl-C again to exit';
const WAIT_HINT = 'Wait for the answer, or press Esc to interrupt it';

export function App({
  controller,
  keymap,
  screens = {},
  env = process.env,
  frameMs,
  altScreen = false,
}: AppProps) {
  const state: AppState = useSessionState(controller, frameMs);
  const streamed = useStreamedTranscript(state.transcript, state.live, state.clearEpoch);
  const { phase, items } = useScreenBuffer(state.screen !== 'chat', altScreen, streamed.printed);
  const { columns, rows } = useTerminalSize();
  const { stdout } = useStdout();
  const theme = useMemo(() => loadTheme(state.themeName, env), [state.themeName, env]);
  const [input, setInput] = useState<edit.InputState>(edit.EMPTY_INPUT);
  const [history, setHistory] = useState<edit.InputState[]>([]);
  // What the last submit sent, as the box showed it: a cancelled card gives it back folded.
  const lastSent = useRef<edit.InputState | undefined>(undefined);
  // `kirikae --continue`: ↑ recalls the resumed conversation's prompts, as it would have before
  // the restart. Seeded once, when they arrive, unless the user has typed meanwhile (state
  // derived during render, as React advises, not in an effect).
  const [seeded, setSeeded] = useState(false);
  if (!seeded && !history.length) {
    const earlier = state.transcript.flatMap((i) => (i.kind === 'user' ? [i.text] : []));
    if (earlier.length) {
      setSeeded(true);
      setHistory(earlier.map(edit.recall));
    }
  }
  const [historyIndex, setHistoryIndex] = useState<number | undefined>();
  const [denyNote, setDenyNote] = useState<string | undefined>();
  const lastCtrlC = useRef(0);
  const [hint, setHint] = useState<string | undefined>();
  // A hint is shown only while it is true: the second Ctrl-C's window closes, the answer ends.
  useEffect(() => {
    if (hint !== CTRL_C_HINT) return;
    const timer = setTimeout(() => setHint(undefined), CTRL_C_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [hint]);
  const shownHint = hint === WAIT_HINT && !state.live && !state.proposal ? undefined : hint;
  const width = Math.max(20, columns - 1);

  useEffect(() => {
    if (state.clearEpoch > 0) stdout.write('\x1b[2J\x1b[3J\x1b[H');
  }, [state.clearEpoch, stdout]);

  const completions =
    input.value.startsWith('/') && !input.value.includes(' ') ? completeCommand(input.value) : [];

  /** Sends the prompt (or runs the /command); while a turn is on, the prompt stays in the input. */
  const submit = (current: edit.InputState = input): void => {
    const text = edit.expandPastes(current).trim();
    if (!text) return;
    if (state.live || state.proposal) {
      setHint(WAIT_HINT);
      return;
    }
    setHistory((h) => {
      const previous = h[h.length - 1];
      return previous && edit.expandPastes(previous).trim() === text ? h : [...h, current];
    });
    lastSent.current = current;
    setHistoryIndex(undefined);
    setInput(edit.EMPTY_INPUT);
    if (isSlashCommand(text)) runSlashCommand(text, controller);
    else controller.submit(text);
  };

  const browseHistory = (direction: -1 | 1): void => {
    if (!history.length) return;
    const current = historyIndex ?? history.length;
    const next = Math.max(0, Math.min(history.length, current + direction));
    setHistoryIndex(next === history.length ? undefined : next);
    setInput(next === history.length ? edit.EMPTY_INPUT : history[next]!);
  };

  const onRouteKey = (key: KeyEvent & { paste?: boolean }): void => {
    if (key.paste) return; // pasted text is never a key press on the card
    if (isAction(keymap, 'routeAccept', key)) controller.acceptRoute();
    else if (isAction(keymap, 'routeCancel', key)) {
      const prompt = controller.cancelRoute();
      const sent = lastSent.current;
      if (prompt)
        setInput(sent && edit.expandPastes(sent).trim() === prompt ? sent : edit.recall(prompt));
    } else if (isAction(keymap, 'routePrevModel', key)) controller.cycleModel(-1);
    else if (isAction(keymap, 'routeNextModel', key)) controller.cycleModel(1);
    else if (state.proposal?.cached && isAction(keymap, 'cacheRouteAnyway', key))
      controller.routeAnyway();
    else if (state.proposal?.cached && isAction(keymap, 'cacheWrong', key))
      controller.dropCachedAnswer();
    else if (!state.proposal?.cached && isAction(keymap, 'routeDelegate', key))
      controller.toggleDelegate();
    else if (isAction(keymap, 'routeSave', key)) controller.alwaysRoute(true);
    else if (isAction(keymap, 'routeAlways', key)) controller.alwaysRoute(false);
    else if (isAction(keymap, 'routeTier', key)) {
      const tier = Number(key.text);
      if (isTier(tier)) controller.selectTier(tier);
    }
  };

  const onApprovalKey = (key: KeyEvent & { paste?: boolean }): void => {
    if (denyNote !== undefined) {
      if (key.name === 'enter') {
        controller.answerApproval('deny', denyNote.trim() || undefined);
        setDenyNote(undefined);
      } else if (key.name === 'escape') setDenyNote(undefined);
      else if (key.name === 'backspace') setDenyNote((n) => (n ?? '').slice(0, -1));
      else if (key.name === 'char') {
        // A note typed fast arrives with its Enter in the same event ("use rg\r").
        const chunk = key.paste ? { text: key.text, submit: false } : splitTypedChunk(key.text);
        const text = chunk.text.replace(/[\r\n]/g, ' ');
        if (chunk.submit) {
          controller.answerApproval('deny', (denyNote + text).trim() || undefined);
          setDenyNote(undefined);
        } else setDenyNote((n) => (n ?? '') + text);
      }
      return;
    }
    if (key.paste) return; // pasted text never approves a tool call
    if (isAction(keymap, 'approveOnce', key)) controller.answerApproval('once');
    else if (isAction(keymap, 'approveSession', key)) controller.answerApproval('session');
    else if (isAction(keymap, 'approveAlways', key)) controller.answerApproval('always');
    else if (key.name === 'escape') controller.answerApproval('deny');
    else if (isAction(keymap, 'deny', key)) setDenyNote('');
  };

  const onEditKey = (key: KeyEvent & { paste?: boolean }): void => {
    switch (key.name) {
      case 'char': {
        if (key.paste) return setInput((s) => edit.insertPaste(s, key.text));
        if (key.text === '?' && input.value === '') return controller.setScreen('help');
        const chunk = splitTypedChunk(key.text);
        const insert = (s: edit.InputState): edit.InputState => edit.insertTyped(s, chunk.text);
        if (!chunk.submit) return setInput(insert);
        // The Enter key arrived in the same read as the text: handle it as Enter would.
        const next = insert(input);
        if (edit.continuesLine(next)) return setInput(edit.replaceTrailingBackslash(next));
        setInput(next);
        return submit(next);
      }
      case 'enter':
        if (edit.continuesLine(input)) return setInput(edit.replaceTrailingBackslash(input));
        if (completions.length === 1 && input.value !== `/${completions[0]!.name}`) {
          return setInput(edit.fromText(`/${completions[0]!.name} `));
        }
        return submit(input);
      case 'newline':
        return setInput((s) => edit.insertText(s, '\n'));
      case 'tab':
        if (completions.length) setInput(edit.fromText(`/${completions[0]!.name} `));
        return;
      case 'backspace':
        return setInput(edit.backspace);
      case 'delete':
        return setInput(edit.deleteForward);
      case 'word-backspace':
        return setInput(edit.deleteWordBack);
      case 'left':
        return setInput((s) => edit.moveCursor(s, -1));
      case 'right':
        return setInput((s) => edit.moveCursor(s, 1));
      case 'word-left':
        return setInput((s) => edit.moveWord(s, -1));
      case 'word-right':
        return setInput((s) => edit.moveWord(s, 1));
      case 'home':
        return setInput(edit.lineStart);
      case 'end':
        return setInput(edit.lineEnd);
      case 'up': {
        const moved = edit.moveLine(input, -1);
        return moved ? setInput(moved) : browseHistory(-1);
      }
      case 'down': {
        const moved = edit.moveLine(input, 1);
        return moved ? setInput(moved) : browseHistory(1);
      }
      case 'ctrl':
        if (key.text === 'a') return setInput(edit.lineStart);
        if (key.text === 'e') return setInput(edit.lineEnd);
        if (key.text === 'k') return setInput(edit.killToLineEnd);
        if (key.text === 'u') return setInput(edit.killToLineStart);
        return;
      default:
        return;
    }
  };

  useKeys((key) => {
    if (hint) setHint(undefined);
    if (isAction(keymap, 'clearInput', key)) {
      const now = Date.now();
      if (now - lastCtrlC.current < CTRL_C_WINDOW_MS) return controller.quit();
      lastCtrlC.current = now;
      if (state.live) controller.interrupt();
      setInput(edit.EMPTY_INPUT);
      setHint(CTRL_C_HINT);
      return;
    }
    lastCtrlC.current = 0;
    if (key.name === 'ctrl' && key.text === 'd' && input.value === '') return controller.quit();
    if (isAction(keymap, 'modelsScreen', key))
      return controller.setScreen(state.screen === 'models' ? 'chat' : 'models');
    if (isAction(keymap, 'pullScreen', key))
      return controller.setScreen(state.screen === 'pull' ? 'chat' : 'pull');
    if (isAction(keymap, 'costsScreen', key))
      return controller.setScreen(state.screen === 'costs' ? 'chat' : 'costs');
    if (state.screen !== 'chat') {
      // Other screens take their own keys (their components listen); Esc comes back here.
      if (isAction(keymap, 'back', key)) controller.setScreen('chat');
      return;
    }
    if (state.approval) return onApprovalKey(key);
    if (state.proposal) return onRouteKey(key);
    if (state.live && isAction(keymap, 'interrupt', key)) return controller.interrupt();
    if (state.live?.retry && input.value === '' && isAction(keymap, 'fallbackNow', key))
      return controller.fallbackNow();
    onEditKey(key);
  });

  // A screen gets the rows the status bar below it leaves (one line, or more with a second
  // line of resident models or several hosts): measured, as it wraps with the width.
  const statusBar = useRef<DOMElement>(null);
  const [statusRows, setStatusRows] = useState(1);
  // Only while a screen is shown: in the chat nothing reads it, and the status changes often.
  const onScreen = state.screen !== 'chat';
  useLayoutEffect(() => {
    if (onScreen && statusBar.current) setStatusRows(measureElement(statusBar.current).height);
  }, [onScreen, state.status, width]);
  const screenRows = Math.max(6, rows - statusRows);

  // Keep the live region within the terminal: Ink redraws it on every frame.
  const reserved = 12 + (state.proposal ? 14 : 0) + (state.approval ? 12 : 0);
  const liveLines = Math.max(3, rows - reserved);
  // What is drawn: the chat, the other screen, or nothing (the frame before the chat is back).
  const shown =
    phase === 'chat' ? 'chat' : phase === 'screen' && state.screen !== 'chat' ? state.screen : null;
  const Screen =
    shown !== null && shown !== 'chat' && shown !== 'help' ? screens[shown] : undefined;

  return (
    <ThemeContext.Provider value={theme}>
      <Static key={state.clearEpoch} items={items}>
        {({ key, item }) => (
          <Box key={key} width={width}>
            <TranscriptItemView item={item} />
          </Box>
        )}
      </Static>
      {shown === null ? null : (
        <Box flexDirection="column" width={width}>
          {shown === 'help' ? <HelpScreen keymap={keymap} width={width} /> : null}
          {Screen ? Screen({ width, active: true, rows: screenRows }) : null}
          {shown !== 'chat' && shown !== 'help' && !Screen ? (
            <Text color={theme.colors.muted}>The {shown} screen is not available. Esc: back.</Text>
          ) : null}
          {shown === 'chat' ? (
            <>
              {streamed.live ? (
                <LiveTurnView
                  live={streamed.live}
                  maxLines={liveLines}
                  now={state.now}
                  asking={state.approval !== undefined}
                />
              ) : null}
              {state.proposal ? <RouteCard proposal={state.proposal} width={width} /> : null}
              {state.approval ? (
                <ApprovalDialog approval={state.approval} note={denyNote} width={width} />
              ) : null}
              {state.notice ? (
                <Text
                  color={
                    state.notice.level === 'error'
                      ? theme.colors.error
                      : state.notice.level === 'warn'
                        ? theme.colors.warn
                        : theme.colors.muted
                  }
                  wrap="wrap"
                >
                  {state.notice.text}
                </Text>
              ) : null}
              {shownHint ? <Text color={theme.colors.muted}>{shownHint}</Text> : null}
              <Header
                folder={state.folder}
                branch={state.branch}
                monthUsd={state.status.monthUsd}
                budgetUsd={state.status.budgetUsd}
                width={width}
              />
              <InputBox
                input={input}
                width={width}
                active={!state.proposal && !state.approval}
                placeholder={
                  state.setupProblems.length
                    ? ' Type a prompt (see setup notes above) · ? for help'
                    : ' Type a prompt · / for commands · ? for help'
                }
              />
              {completions.length ? (
                <Box flexDirection="column" paddingLeft={2}>
                  {completions.slice(0, 6).map((c) => (
                    <Text key={c.name} wrap="truncate-end">
                      <Text color={theme.colors.accent}>/{c.name}</Text>
                      <Text color={theme.colors.muted}> {c.description}</Text>
                    </Text>
                  ))}
                </Box>
              ) : null}
            </>
          ) : null}
          <Box ref={statusBar} flexDirection="column">
            <StatusBar status={state.status} width={width} />
          </Box>
        </Box>
      )}
    </ThemeContext.Provider>
  );
}
