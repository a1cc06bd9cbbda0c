// bin/kirikae.js answers `--version` and `--help` alone without loading the bundle (so they cost
// a bare node start), and what it prints is what commander prints.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './helpers.js';

const node = (args: string[], cwd = ROOT): string =>
  execFileSync(process.execPath, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });

describe('the launcher', () => {
  // A copy of the installed layout without dist/cli.js: if the launcher loaded the bundle for
  // these flags, it would fail here.
  let bare: string;
  beforeAll(async () => {
    await ensureBuilt();
    bare = mkdtempSync(join(tmpdir(), 'kirikae-launcher-'));
    mkdirSync(join(bare, 'bin'));
    mkdirSync(join(bare, 'dist'));
    copyFileSync(join(ROOT, 'bin/kirikae.js'), join(bare, 'bin/kirikae.js'));
    copyFileSync(join(ROOT, 'bin/package.json'), join(bare, 'bin/package.json'));
    copyFileSync(join(ROOT, 'package.json'), join(bare, 'package.json'));
    copyFileSync(join(ROOT, 'dist/help.txt'), join(bare, 'dist/help.txt'));
  }, 120_000);
  afterAll(() => rmSync(bare, { recursive: true, force: true }));

  it('prints the help commander prints, without the bundle', () => {
    const commander = node(['dist/cli.js', '--help']);
    expect(commander).toContain('Usage: kirikae');
    expect(node(['bin/kirikae.js', '--help'], bare)).toBe(commander);
    expect(node(['bin/kirikae.js', '-h'], bare)).toBe(commander);
  });

  it("prints package.json's version, without the bundle", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(node(['bin/kirikae.js', '--version'], bare)).toBe(`${version}\n`);
    expect(node(['bin/kirikae.js', '-v'], bare)).toBe(`${version}\n`);
    expect(node(['dist/cli.js', '--version'])).toBe(`${version}\n`);
  });

  it('hands anything else to the bundle', () => {
    expect(node(['bin/kirikae.js', 'doctor', '--help'])).toContain('Usage: kirikae doctor');
    expect(() => node(['bin/kirikae.js', 'doctor', '--help'], bare)).toThrow(
      /dist\/cli\.js is missing/,
    );
  });
});
