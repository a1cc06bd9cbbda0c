import { readFileSync } from 'node:fs';
import { configFile } from '../config/paths.js';
import type { AppController, AppState } from '../session/types.js';

/** What the screen shows before the session exists, read without the config's validator. */
function bootSettings(env: NodeJS.ProcessEnv): { theme: string; budgetUsd: number } {
  const settings = { theme: 'dark', budgetUsd: 200 };
  try {
    const raw = JSON.parse(readFileSync(configFile(env), 'utf8')) as {
      ui?: { theme?: unknown };
      budget?: { monthlyUsd?: unknown };
    };
    if (typeof raw.ui?.theme === 'string') settings.theme = raw.ui.theme;
    if (typeof raw.budget?.monthlyUsd === 'number') settings.budgetUsd = raw.budget.monthlyUsd;
  } catch {
    // No config yet, or one the session will report: the defaults until then.
  }
  return settings;
}

/** A call made before the session existed, replayed on it in order. */
type Call = (session: AppController) => void;

export interface BootController extends AppController {
  /** Hands over to the real session: the calls made meanwhile are replayed on it. */
  handOver(session: AppController): void;
}

/**
 * The first frame is drawn before the session is built: building it loads the config schema,
 * the price data, the router's weights and the SDK glue (most of a second on a slow machine),
 * and none of it is needed to show the input box. This stand-in answers the screen until then:
 * the state a new session starts with (theme and budget read from the config file as plain
 * JSON), and every intent (a prompt sent quickly, a screen key) queued for the session.
 */
export function bootController(options: {
  cwd: string;
  branch?: string;
  env: NodeJS.ProcessEnv;
}): BootController {
  const { theme, budgetUsd } = bootSettings(options.env);
  const state: AppState = {
    folder: options.cwd,
    ...(options.branch ? { branch: options.branch } : {}),
    screen: 'chat',
    transcript: [],
    status: { resident: [], tokPerSec: [], sessionUsd: 0, monthUsd: 0, budgetUsd },
    setupProblems: [],
    themeName: theme,
    clearEpoch: 0,
    now: Date.now(),
    exiting: false,
  };
  let calls: Call[] | undefined = [];
  let target: AppController | undefined;
  const call = (run: Call) => (): void => {
    if (target) run(target);
    else calls?.push(run);
  };
  return {
    getState: () => state,
    subscribe: () => () => {},
    submit: (prompt) => call((s) => s.submit(prompt))(),
    acceptRoute: call((s) => s.acceptRoute()),
    selectTier: (tier) => call((s) => s.selectTier(tier))(),
    cycleModel: (direction) => call((s) => s.cycleModel(direction))(),
    alwaysRoute: (save) => call((s) => s.alwaysRoute(save))(),
    cancelRoute: () => undefined,
    interrupt: call((s) => s.interrupt()),
    answerApproval: (decision, note) => call((s) => s.answerApproval(decision, note))(),
    setScreen: (screen) => call((s) => s.setScreen(screen))(),
    setModelOverride: (model, scope) => call((s) => s.setModelOverride(model, scope))(),
    setTierOverride: (tier, scope) => call((s) => s.setTierOverride(tier, scope))(),
    setAutoAccept: (on) => call((s) => s.setAutoAccept(on))(),
    explainLastRoute: call((s) => s.explainLastRoute()),
    newTask: call((s) => s.newTask()),
    doneTask: call((s) => s.doneTask()),
    clearTranscript: call((s) => s.clearTranscript()),
    setTheme: (name) => call((s) => s.setTheme(name))(),
    setBudget: (usd) => call((s) => s.setBudget(usd))(),
    notify: (level, text) => call((s) => s.notify(level, text))(),
    routeAnyway: call((s) => s.routeAnyway()),
    dropCachedAnswer: call((s) => s.dropCachedAnswer()),
    setCache: (on) => call((s) => s.setCache(on))(),
    explainCache: call((s) => s.explainCache()),
    fallbackNow: call((s) => s.fallbackNow()),
    setDelegate: (on, executor) => call((s) => s.setDelegate(on, executor))(),
    toggleDelegate: call((s) => s.toggleDelegate()),
    quit: call((s) => s.quit()),
    handOver(session) {
      target = session;
      const queued = calls ?? [];
      calls = undefined;
      for (const run of queued) run(session);
    },
  };
}
