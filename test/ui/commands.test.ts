import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  completeCommand,
  isSlashCommand,
  runSlashCommand,
} from '../../src/ui/slash-commands/index.js';
import { THEME_NAMES, loadTheme } from '../../src/ui/theme.js';
import { createFakeController } from './fake-controller.js';

const run = (text: string, state = {}) => {
  const app = createFakeController(state);
  runSlashCommand(text, app);
  return app;
};

describe('slash command registry', () => {
  it('has unique names, each with a description', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const command of COMMANDS) expect(command.description.length).toBeGreaterThan(5);
  });

  it('completes "/co" to costs, and a prefix shared by several to all of them', () => {
    expect(completeCommand('/co').map((c) => c.name)).toEqual(['costs']);
    expect(completeCommand('/mo').map((c) => c.name)).toEqual(['model', 'models']);
    expect(completeCommand('/CO').map((c) => c.name)).toEqual(['costs']);
    expect(completeCommand('/').length).toBe(COMMANDS.length);
    expect(completeCommand('/zz')).toEqual([]);
  });

  it('recognises a slash command only when a letter follows the slash', () => {
    expect(isSlashCommand('/costs')).toBe(true);
    expect(isSlashCommand('  /help  ')).toBe(true);
    expect(isSlashCommand('/')).toBe(false);
    expect(isSlashCommand('/model ollama/qwen3-coder:30b')).toBe(true);
    expect(isSlashCommand('/cots')).toBe(true);
    // A prompt that starts with a path goes to the model, not to "Unknown command /usr".
    expect(isSlashCommand('/usr/bin/env: node not found, fix the shebang')).toBe(false);
    expect(isSlashCommand('/Users/me/app/src/index.ts fails to compile')).toBe(false);
    expect(isSlashCommand('// comment')).toBe(false);
    expect(isSlashCommand('fix /costs')).toBe(false);
  });

  it('suggests the closest commands for an unknown one', () => {
    const app = run('/cots');
    expect(app.callsOf('notify')).toEqual([
      ['error', 'Unknown command /cots. Did you mean /costs? /help lists them.'],
    ]);
    const none = run('/xyzzy');
    expect(none.callsOf('notify')).toEqual([
      ['error', 'Unknown command /xyzzy. /help lists them.'],
    ]);
  });

  it('opens screens', () => {
    expect(run('/costs').callsOf('setScreen')).toEqual([['costs']]);
    expect(run('/models').callsOf('setScreen')).toEqual([['models']]);
    expect(run('/pull').callsOf('setScreen')).toEqual([['pull']]);
    expect(run('/help').callsOf('setScreen')).toEqual([['help']]);
    expect(run('/HELP').callsOf('setScreen')).toEqual([['help']]);
  });

  it('/model sets a session override, --once only the next turn, none goes back to routing', () => {
    expect(run('/model openai/gpt-5.3-codex').callsOf('setModelOverride')).toEqual([
      ['openai/gpt-5.3-codex', 'session'],
    ]);
    expect(run('/model ollama/qwen3-coder:30b --once').callsOf('setModelOverride')).toEqual([
      ['ollama/qwen3-coder:30b', 'turn'],
    ]);
    expect(run('/model --once anthropic/claude-haiku-4-5').callsOf('setModelOverride')).toEqual([
      ['anthropic/claude-haiku-4-5', 'turn'],
    ]);
    expect(run('/model').callsOf('setModelOverride')).toEqual([[undefined, 'session']]);
  });

  it('/tier accepts 0–4 with an optional --once and rejects anything else', () => {
    expect(run('/tier 2').callsOf('setTierOverride')).toEqual([[2, 'session']]);
    expect(run('/tier 0 --once').callsOf('setTierOverride')).toEqual([[0, 'turn']]);
    expect(run('/tier').callsOf('setTierOverride')).toEqual([[undefined, 'session']]);
    for (const bad of ['9', '-1', '1.5', 'local']) {
      const app = run(`/tier ${bad}`);
      expect(app.callsOf('setTierOverride')).toEqual([]);
      expect(app.callsOf('notify')).toEqual([
        [
          'error',
          `"${bad}" is not a tier: use 0 frontier, 1 standard, 2 efficient, 3 local, 4 budget`,
        ],
      ]);
    }
  });

  it('/auto switches auto-accept and clears overrides', () => {
    const on = run('/auto');
    expect(on.callsOf('setAutoAccept')).toEqual([[true]]);
    expect(on.callsOf('setModelOverride')).toEqual([[undefined, 'session']]);
    expect(on.callsOf('setTierOverride')).toEqual([[undefined, 'session']]);
    expect(run('/auto off').callsOf('setAutoAccept')).toEqual([[false]]);
    expect(run('/auto ON').callsOf('setAutoAccept')).toEqual([[true]]);
    const typo = run('/auto maybe');
    expect(typo.callsOf('setAutoAccept')).toEqual([]);
    expect(typo.callsOf('setModelOverride')).toEqual([]);
    expect(typo.callsOf('notify')).toEqual([['error', '/auto maybe: say /auto on or /auto off']]);
  });

  it('/budget shows the month spend, sets a new amount, refuses a non-amount', () => {
    expect(run('/budget').callsOf('notify')).toEqual([['info', 'Month spend $12.50 of $50.00']]);
    // A sub-cent spend is shown as the header shows it, not rounded to $0.00.
    const base = createFakeController().getState().status;
    expect(
      run('/budget', { status: { ...base, monthUsd: 0.0036, budgetUsd: 0 } }).callsOf('notify'),
    ).toEqual([['info', 'Month spend $0.0036 of $0.00']]);
    expect(run('/budget $80').callsOf('setBudget')).toEqual([[80]]);
    expect(run('/budget 12.5').callsOf('setBudget')).toEqual([[12.5]]);
    const bad = run('/budget lots');
    expect(bad.callsOf('setBudget')).toEqual([]);
    expect(bad.callsOf('notify')).toEqual([['error', '"lots" is not an amount in USD']]);
    expect(run('/budget -5').callsOf('setBudget')).toEqual([]);
  });

  it('/theme sets a named theme, cycles without a name, and reports an unknown one', () => {
    expect(run(`/theme ${THEME_NAMES[1]}`).callsOf('setTheme')).toEqual([[THEME_NAMES[1]]]);
    expect(run('/theme', { themeName: THEME_NAMES[0] }).callsOf('setTheme')).toEqual([
      [THEME_NAMES[1]],
    ]);
    const last = THEME_NAMES[THEME_NAMES.length - 1];
    expect(run('/theme', { themeName: last }).callsOf('setTheme')).toEqual([[THEME_NAMES[0]]]);
    const bad = run('/theme neon');
    expect(bad.callsOf('setTheme')).toEqual([]);
    expect(bad.callsOf('notify')[0]![0]).toBe('error');
  });

  it('maps the remaining commands to one intent each', () => {
    expect(run('/route').callsOf('explainLastRoute')).toEqual([[]]);
    expect(run('/new').callsOf('newTask')).toEqual([[]]);
    expect(run('/done').callsOf('doneTask')).toEqual([[]]);
    expect(run('/clear').callsOf('clearTranscript')).toEqual([[]]);
    expect(run('/quit').callsOf('quit')).toEqual([[]]);
  });
});

describe('theme names', () => {
  it('the config schema and the bundled theme files name the same themes', () => {
    for (const name of THEME_NAMES) expect(loadTheme(name, {}).name).toBe(name);
  });
});
