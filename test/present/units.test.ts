import { describe, expect, it } from 'vitest';
import {
  UNKNOWN,
  ZERO_SUM,
  addUsd,
  bytes,
  count,
  percent,
  seconds,
  tokPerSec,
  tokens,
  usd,
  usdSum,
  usdJson,
} from '../../src/present/units.js';

describe('usd', () => {
  it('prints one way everywhere: $5 is "$5.00", cents keep three decimals, sub-cent two figures', () => {
    expect(usd(5)).toBe('$5.00');
    expect(usd(0)).toBe('$0.00');
    expect(usd(0.093)).toBe('$0.093');
    expect(usd(0.000434)).toBe('$0.00043');
    expect(usd(0.088)).toBe('$0.088');
    expect(usd(12_345.6)).toBe('$12,346');
    expect(usd(-0.5)).toBe('-$0.500');
    expect(usd(0.011325)).toBe('$0.011');
    // Below a millionth a number prints as 5.7e-7: written out instead.
    expect(usd(5.699999999999999e-7)).toBe('$0.00000057');
    expect(usd(-1.26e-8)).toBe('-$0.000000013');
    // Float leftovers of a sum (and values toFixed cannot take) are only said to be that small.
    expect(usd(2.8e-17)).toBe('<$0.00000001');
    expect(usd(1e-120)).toBe('<$0.00000001');
  });
  it('usdJson drops the float noise of summed prices, nothing more', () => {
    expect(usdJson(0.000029999999999999997)).toBe(0.00003);
    expect(usdJson(1.1445)).toBe(1.1445);
    expect(usdJson(5.699999999999999e-7)).toBe(5.7e-7);
  });
  it('never prints an unknown price as $0', () => {
    expect(usd(null)).toBe(UNKNOWN);
    expect(usd(undefined)).toBe(UNKNOWN);
    expect(usd(Number.NaN)).toBe(UNKNOWN);
  });
  it('keeps the known part of a partly priced sum beside the marker', () => {
    const sum = addUsd(addUsd(ZERO_SUM, 0.093), null);
    expect(usdSum(sum)).toBe('$0.093 + ?');
    expect(usdSum(addUsd(ZERO_SUM, null))).toBe('?');
    expect(usdSum(addUsd(ZERO_SUM, 0.5))).toBe('$0.500');
  });
});

describe('other units', () => {
  it('tokens', () => {
    expect(tokens(950)).toBe('950');
    expect(tokens(1234)).toBe('1.2K');
    expect(tokens(56_789)).toBe('57K');
    expect(tokens(2_500_000)).toBe('2.5M');
  });
  it('bytes are binary and labelled GiB', () => {
    expect(bytes(19 * 1024 ** 3)).toBe('19.0 GiB');
    expect(bytes(512 * 1024 ** 2)).toBe('512 MiB');
    expect(bytes(0)).toBe('0 GiB');
  });
  it('seconds, percent, tok/s', () => {
    expect(seconds(0.25)).toBe('250 ms');
    expect(seconds(4.25)).toBe('4.3 s');
    expect(seconds(200)).toBe('3 min 20 s');
    expect(percent(0.5)).toBe('50%');
    expect(percent(null)).toBe(UNKNOWN);
    expect(tokPerSec(42.4)).toBe('42 tok/s');
    expect(tokPerSec(undefined)).toBe('? tok/s');
  });

  it('count groups thousands', () => {
    expect([0, 999, 1124, 65_536, 1_234_567, -4096, 2.5].map(count)).toEqual([
      '0',
      '999',
      '1,124',
      '65,536',
      '1,234,567',
      '-4,096',
      '2.5',
    ]);
  });
});
