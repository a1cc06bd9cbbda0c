export const TIERS = [0, 1, 2, 3, 4] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_NAMES: Record<Tier, string> = {
  0: 'frontier',
  1: 'standard',
  2: 'efficient',
  3: 'local',
  4: 'budget',
};

export function isTier(value: unknown): value is Tier {
  return typeof value === 'number' && (TIERS as readonly number[]).includes(value);
}

export function parseTier(value: string): Tier | undefined {
  const n = Number(value);
  return /^[0-4]$/.test(value.trim()) && isTier(n) ? n : undefined;
}
