import { describe, expect, it } from 'vitest';
import { sudoRefusal } from '../../src/commands/sudo.js';
import { ensureBuilt, kirikae, sandbox } from '../cli/helpers.js';

describe('under sudo', () => {
  it('refuses root with a sudo user, not a root shell of its own or a plain user', () => {
    expect(sudoRefusal({ SUDO_UID: '501', SUDO_USER: 'alice' }, 0)).toBe(
      'kirikae: refusing to run under sudo: its commands would run as root and the files it writes in your home (ledger, config, sessions) would belong to root. Run it without sudo as alice.',
    );
    // A container or CI runs as root with no sudo behind it.
    expect(sudoRefusal({}, 0)).toBeUndefined();
    // `sudo -u alice kirikae`: not root, nothing to refuse.
    expect(sudoRefusal({ SUDO_UID: '501' }, 501)).toBeUndefined();
    expect(sudoRefusal({ SUDO_UID: '0' }, 0)).toBeUndefined();
  });

  it.runIf(process.getuid?.() === 0)(
    'the binary refuses -p, route (its fast path) and config, and still runs doctor',
    { timeout: 60_000 },
    async () => {
      await ensureBuilt();
      const box = sandbox();
      try {
        const env = { ...box.env, SUDO_UID: '501', SUDO_USER: 'alice' };
        for (const args of [
          ['-p', 'fix it'],
          ['route', 'fix the typo'],
          ['config', 'path'],
        ]) {
          const result = await kirikae(args, env);
          expect(result.exitCode, args.join(' ')).toBe(1);
          expect(result.stderr).toContain('refusing to run under sudo');
        }
        const doctor = await kirikae(['doctor', '--json'], env);
        expect(doctor.stderr).not.toContain('refusing to run under sudo');
        expect(JSON.parse(doctor.stdout)).toBeTypeOf('object');
      } finally {
        box.remove();
      }
    },
  );
});
