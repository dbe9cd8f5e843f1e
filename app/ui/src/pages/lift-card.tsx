// The holdout lift of a segment: treated against held-out people, conversion and revenue per
// person, with the intervals and the finding in plain words.
import { Badge, BlockStack, DataTable, List, Text } from '@shopify/polaris';
import type { SegmentResponse } from '../../../server/api/api-types.ts';
import { formatDate, formatMoney, formatNumber, formatPercent, formatPoints, formatSignedMoney } from '../../lib/format.ts';
import { AutoWidth } from '../charts/auto-width.tsx';
import { IntervalChart, type IntervalRow } from '../charts/interval-chart.tsx';
import { TitledCard, TitledSection } from '../components/titled-card.tsx';

type Lift = NonNullable<SegmentResponse['lift']>;

function directionBadge(direction: 'up' | 'down' | 'unclear' | undefined) {
  if (direction === 'up') return <Badge tone="success">Lift</Badge>;
  if (direction === 'down') return <Badge tone="critical">Negative lift</Badge>;
  return <Badge>Not conclusive yet</Badge>;
}

export function LiftCard({ lift }: { lift: SegmentResponse['lift'] }) {
  return (
    <TitledCard testId="segment-lift" title="Holdout lift" aside={lift?.lift ? directionBadge(lift.lift.conversion?.direction) : null}>
      {lift === null ? (
        <Text as="p" tone="subdued">
          No holdout cohort yet. A share of the segment is held out of the write-back from its first sync, and the lift is measured against it.
        </Text>
      ) : (
        <LiftBody lift={lift} />
      )}
    </TitledCard>
  );
}

function LiftBody({ lift }: { lift: Lift }) {
  const report = lift.lift;
  const since = `Since ${formatDate(lift.startedAt)} (${formatNumber(lift.days)} days), ${formatPercent(lift.share, 0)} held out.`;
  if (!report) {
    return (
      <BlockStack gap="200">
        <Text as="p">{since}</Text>
        <Text as="p" tone="subdued">
          {lift.note ?? 'No outcomes to compare yet.'}
        </Text>
      </BlockStack>
    );
  }
  const rows: IntervalRow[] = [];
  if (report.conversion) rows.push({ label: 'Conversion', estimate: report.conversion.absolute, lower: report.conversion.interval.lower, upper: report.conversion.interval.upper, format: (v) => formatPoints(v) });
  if (report.revenuePerPerson) {
    const r = report.revenuePerPerson;
    rows.push({ label: 'Revenue per person', estimate: r.absolute, lower: r.interval.lower, upper: r.interval.upper, format: formatSignedMoney });
  }
  return (
    <BlockStack gap="300">
      <Text as="p">{since}</Text>
      <span data-testid="lift-finding">
        <Text as="p" fontWeight="medium">
          {report.finding}
        </Text>
      </span>
      <DataTable
        columnContentTypes={['text', 'numeric', 'numeric', 'numeric']}
        headings={['Group', 'People', 'Conversion', 'Revenue per person']}
        rows={[
          ['Treated (written back)', formatNumber(report.treated.people), formatPercent(report.treated.conversionRate), formatMoney(report.treated.revenuePerPerson)],
          ['Holdout', formatNumber(report.holdout.people), formatPercent(report.holdout.conversionRate), formatMoney(report.holdout.revenuePerPerson)],
        ]}
      />
      {rows.length > 0 ? (
        <TitledSection title={`Difference, treated minus holdout (${formatPercent(report.confidence, 0)} intervals)`}>
          <AutoWidth>{(width) => <IntervalChart width={width} title={`Lift with ${formatPercent(report.confidence, 0)} confidence intervals`} rows={rows} />}</AutoWidth>
        </TitledSection>
      ) : null}
      {report.reasons.length > 0 ? (
        <List>
          {report.reasons.map((reason) => (
            <List.Item key={reason}>{reason}</List.Item>
          ))}
        </List>
      ) : null}
    </BlockStack>
  );
}
