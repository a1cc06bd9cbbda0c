import { Box, Text } from 'ink';
import type { RouteProposal, RouteView } from '../../session/types.js';
import { TIER_NAMES } from '../../core/tier.js';
import { percent, seconds, tokens, UNKNOWN, usd } from '../../present/units.js';
import { truncate } from '../format.js';
import { tierColor } from '../theme.js';
import { useTheme } from '../theme-context.js';

function usdRange(route: RouteView): string {
  const { usdP50, usdP90 } = route.estimate;
  if (usdP50 === null || usdP90 === null) return `${UNKNOWN} (no price known)`;
  if (usdP90 === 0) return usd(0);
  return `${usd(usdP50)}–${usd(usdP90)}`;
}

function flags(route: RouteView): string[] {
  const out: string[] = [];
  if (route.coldCache) out.push('cold cache');
  // The residency plan says what loads and what is unloaded for it, before anything happens.
  if (route.localPlan) out.push(route.localPlan);
  else if (route.loadSeconds) out.push(`loads model, ~${seconds(route.loadSeconds)}`);
  if (route.loadSeconds && route.localPlan) out.push(`~${seconds(route.loadSeconds)} to load`);
  if (route.needsConfirmation) out.push(route.needsConfirmation);
  if (route.retirement) out.push(route.retirement);
  return out;
}

/** "trained 0.62": who classified the prompt and how sure it was. */
function classifierText(proposal: RouteProposal): string {
  const c = proposal.classifier;
  if (proposal.classifying) return ' · classifying…';
  if (proposal.pastChoice) return ` · your past choice ×${proposal.pastChoice.count}`;
  return c ? ` · ${c.source} ${c.confidence.toFixed(2)}` : '';
}

/** A cached answer, shown before the route: serving it costs nothing. */
function CachedAnswer({
  cached,
  width,
}: {
  cached: NonNullable<RouteProposal['cached']>;
  width: number;
}) {
  const theme = useTheme();
  const preview = cached.answer
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 3);
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={theme.colors.accent}
      paddingX={1}
      width={width}
    >
      <Text color={theme.colors.accent} wrap="wrap">
        {cached.line}
      </Text>
      {preview.map((line, i) => (
        <Text key={i} color={theme.colors.muted} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text color={theme.colors.accent} wrap="truncate-end">
        {width < 60
          ? 'Enter use · r route · x wrong · Esc'
          : 'Enter use it ($0) · r route anyway · x wrong answer · Esc cancel'}
      </Text>
    </Box>
  );
}

export function RouteCard({ proposal, width }: { proposal: RouteProposal; width: number }) {
  const theme = useTheme();
  if (proposal.cached) return <CachedAnswer cached={proposal.cached} width={width} />;
  const chosen = proposal.options[proposal.selected]!;
  const narrow = width < 60;
  const inner = Math.max(10, width - 4);
  const e = chosen.estimate;
  // Narrow: the tier name gives way so that the model id fits.
  const tierLabel =
    chosen.tier === null
      ? 'custom'
      : narrow
        ? String(chosen.tier)
        : `${chosen.tier} ${TIER_NAMES[chosen.tier]}`;
  const alternatives = proposal.options
    .map((option, index) => ({ option, index }))
    .filter(({ index }) => index !== proposal.selected)
    .slice(0, narrow ? 2 : 4);
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={tierColor(theme, chosen.tier)}
      paddingX={1}
      width={width}
    >
      {proposal.escalation ? (
        <Text color={theme.colors.warn} wrap="wrap">
          Tests failed (attempt {proposal.escalation.attempt - 1}). Retry one tier up?{' '}
          {`${proposal.escalation.retriesLeft} ${proposal.escalation.retriesLeft === 1 ? 'retry' : 'retries'} left after this.`}
        </Text>
      ) : null}
      {proposal.escalation ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {proposal.escalation.summary
            .split('\n')
            .slice(0, narrow ? 2 : 5)
            .join('\n')}
        </Text>
      ) : null}
      <Text color={theme.colors.muted}>
        {truncate(
          `${proposal.taskType} · complexity ${proposal.complexity}/5${classifierText(proposal)}`,
          inner,
        )}
      </Text>
      {!narrow && proposal.classifier?.detail ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          classifier: {proposal.classifier.detail}
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        <Text color={tierColor(theme, chosen.tier)} bold>
          ▶ {tierLabel}{' '}
        </Text>
        <Text color={theme.colors.text} bold>
          {chosen.model}
        </Text>
      </Text>
      <Text wrap="wrap">
        <Text color={theme.colors.cost}>{usdRange(chosen)}</Text>
        <Text color={theme.colors.muted}> p50–p90 · </Text>
        <Text color={theme.colors.cost}>{usd(e.expectedUsdPerTask)}</Text>
        <Text color={theme.colors.muted}>
          /task expected · success {percent(e.pSuccess)} · ~{seconds(e.seconds)}
        </Text>
      </Text>
      {narrow ? null : (
        <Text color={theme.colors.muted} wrap="truncate-end">
          tokens: {tokens(e.inputTokens)} in
          {e.cacheReadTokens ? ` (${tokens(e.cacheReadTokens)} cache read)` : ''}
          {e.cacheWriteTokens ? ` (${tokens(e.cacheWriteTokens)} cache write)` : ''} · ~
          {tokens(e.outputTokens)} out
        </Text>
      )}
      {!narrow && chosen.successWhy ? (
        <Text color={theme.colors.muted} wrap="truncate-end">
          {chosen.successWhy}
        </Text>
      ) : null}
      {proposal.delegate ? (
        <Text color={theme.colors.accent} wrap="truncate-end">
          ⇢ {proposal.delegate.line}
        </Text>
      ) : null}
      {proposal.delegate?.warning ? (
        <Text color={theme.colors.warn} wrap="wrap">
          ! {proposal.delegate.warning}
        </Text>
      ) : null}
      {flags(chosen).length ? (
        <Text color={theme.colors.warn}>{flags(chosen).join(' · ')}</Text>
      ) : null}
      {!chosen.available ? (
        <Text color={theme.colors.error} wrap="wrap">
          unavailable: {chosen.unavailableReason}
        </Text>
      ) : null}
      {proposal.reasons.slice(0, narrow ? 1 : 3).map((reason, i) => (
        <Text key={i} color={theme.colors.muted} wrap="truncate-end">
          · {reason}
        </Text>
      ))}
      {proposal.warnings.map((warning, i) => (
        <Text key={`w${i}`} color={theme.colors.warn} wrap="wrap">
          ! {warning}
        </Text>
      ))}
      {alternatives.map(({ option, index }) => (
        <Text
          key={index}
          wrap="truncate-end"
          color={option.available ? theme.colors.text : theme.colors.muted}
        >
          <Text color={tierColor(theme, option.tier)}>{option.tier ?? '·'}</Text> {option.model}{' '}
          {option.available ? (
            <Text color={theme.colors.cost}>
              {usdRange(option)} · {usd(option.estimate.expectedUsdPerTask)}/task expected
            </Text>
          ) : (
            <Text color={theme.colors.muted}>— {option.unavailableReason}</Text>
          )}
        </Text>
      ))}
      {/* Narrow, the keys take two lines rather than lose a/A and d (delegate). */}
      <Text color={theme.colors.accent} wrap={narrow ? 'wrap' : 'truncate-end'}>
        {narrow
          ? 'Enter ok · 0-4 tier · ←/→ · a/A always · d delegate · Esc'
          : width < 100
            ? 'Enter accept · 0–4 tier · ←/→ model · a/A always · d delegate · Esc cancel'
            : 'Enter accept · 0–4 tier · ←/→ model · a always (session) · A save rule · d delegate · Esc cancel'}
      </Text>
    </Box>
  );
}
