// Overview: totals, the last run, connections, every segment with its size, revenue share and
// trend, and two charts (segment sizes by kind, revenue share against customer share).
import { Badge, BlockStack, Card, IndexTable, InlineGrid, InlineStack, Layout, Link, Page, Text } from '@shopify/polaris';
import type { OverviewResponse } from '../../../server/api/api-types.ts';
import { formatCompact, formatDateTime, formatDuration, formatMoney, formatNumber, formatPercent } from '../../lib/format.ts';
import { segmentPath } from '../../lib/routes.ts';
import { KIND_COLORS, KIND_LABELS, KIND_TONES, SEGMENT_KINDS, byKindThenSize } from '../../lib/segment-kinds.ts';
import { useApi } from '../api/api.ts';
import { BarChart } from '../charts/bar-chart.tsx';
import { PairedBars } from '../charts/paired-bars.tsx';
import { SERIES } from '../charts/chart-parts.tsx';
import { Sparkline } from '../charts/sparkline.tsx';
import { AutoWidth } from '../charts/auto-width.tsx';
import { NumericCell } from '../components/numeric-cell.tsx';
import { EmptyCard, Loaded } from '../components/page-states.tsx';
import { TableCard, TitledCard } from '../components/titled-card.tsx';
import { SyncNowButton, useSyncNow } from '../components/sync-now.tsx';
import { useRouter } from '../router.tsx';
import { RunStatusBadge, describeRead, describeWrote, triggerLabel } from './run-parts.tsx';

export function OverviewPage() {
  const { state, reload } = useApi<OverviewResponse>('/overview');
  const { syncing, syncNow } = useSyncNow();
  return (
    <Loaded title="Overview" state={state} reload={reload}>
      {(data) => (
        <Page title="Overview" subtitle={data.shop} primaryAction={{ content: 'Sync now', onAction: () => void syncNow(), loading: syncing }}>
          <Layout>
            <Layout.Section>
              <Totals data={data} />
            </Layout.Section>
            {data.segments.length === 0 ? (
              <Layout.Section>
                <EmptyCard heading="No segments yet" action={<SyncNowButton variant="primary" />} testId="overview-empty">
                  {data.lastRun
                    ? 'The last run produced no segments. Segments appear once the store has customers with orders.'
                    : 'Segment Refinery has not synced this store yet. Run a first sync to read customers and orders and build segments; it takes a few minutes on a large store.'}
                </EmptyCard>
              </Layout.Section>
            ) : (
              <Layout.Section>
                <SegmentsTable data={data} />
              </Layout.Section>
            )}
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <LastRunCard run={data.lastRun} />
                <ConnectionsCard connections={data.connections} />
              </BlockStack>
            </Layout.Section>
            {data.segments.length > 0 ? (
              <Layout.Section>
                <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400">
                  <SizeChartCard data={data} />
                  <RevenueChartCard data={data} />
                </InlineGrid>
              </Layout.Section>
            ) : null}
          </Layout>
        </Page>
      )}
    </Loaded>
  );
}

function Kpi({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <span data-testid={testId} className="sr-kpi">
          <Text as="p" variant="headingLg">
            {value}
          </Text>
        </span>
      </BlockStack>
    </Card>
  );
}

function Totals({ data }: { data: OverviewResponse }) {
  const t = data.totals;
  return (
    <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
      <Kpi label="Customers" value={formatNumber(t.customers)} testId="kpi-customers" />
      <Kpi label="Orders" value={formatNumber(t.orders)} testId="kpi-orders" />
      <Kpi label="HubSpot contacts" value={formatNumber(t.contacts)} testId="kpi-contacts" />
      <Kpi label="People (both platforms)" value={formatNumber(t.people)} testId="kpi-people" />
      <Kpi label="Revenue" value={formatMoney(t.revenue)} testId="kpi-revenue" />
    </InlineGrid>
  );
}

function SegmentsTable({ data }: { data: OverviewResponse }) {
  const { navigate } = useRouter();
  const rows = byKindThenSize(data.segments);
  return (
    <TableCard
      testId="segments-table"
      title="Segments"
      aside={
        <Text as="span" tone="subdued" variant="bodySm">
          {formatNumber(rows.length)} segments
        </Text>
      }
      headerSpace="200"
    >
      <IndexTable
        resourceName={{ singular: 'segment', plural: 'segments' }}
        itemCount={rows.length}
        selectable={false}
        headings={[{ title: 'Segment' }, { title: 'Kind' }, { title: 'Size', alignment: 'end' }, { title: 'Revenue', alignment: 'end', tooltipContent: 'Share of the store\'s revenue' }, { title: 'Trend' }]}
      >
        {rows.map((row, index) => (
          <IndexTable.Row id={row.key} key={row.key} position={index} onClick={() => navigate(segmentPath(row.key))}>
            <IndexTable.Cell className="sr-cell-wrap">
              <span data-testid={`segment-row-${row.key}`}>
                <Link url={segmentPath(row.key)} removeUnderline dataPrimaryLink>
                  <Text as="span" fontWeight="semibold">
                    {row.name}
                  </Text>
                </Link>
              </span>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={KIND_TONES[row.kind]}>{KIND_LABELS[row.kind]}</Badge>
            </IndexTable.Cell>
            <NumericCell>
              {formatNumber(row.size)}
              <Text as="span" tone="subdued" variant="bodySm">{` · ${formatPercent(row.customerShare)}`}</Text>
            </NumericCell>
            <NumericCell>{formatPercent(row.revenueShare)}</NumericCell>
            <IndexTable.Cell>
              <Sparkline points={row.trend} label={`${row.name} size`} width={80} />
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </TableCard>
  );
}

function LastRunCard({ run }: { run: OverviewResponse['lastRun'] }) {
  return (
    <TitledCard testId="last-run" title="Last run" aside={run ? <RunStatusBadge status={run.status} /> : <Badge>Never</Badge>}>
      {run ? (
        <BlockStack gap="200">
          <Text as="p">
            {triggerLabel(run.trigger)} · {formatDateTime(run.startedAt)} · {formatDuration(run.durationMs)}
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            Read: {describeRead(run.read)}
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            Shopify: {describeWrote(run.wrote).shopify}
          </Text>
          {run.failure ? (
            <Text as="p" tone="critical" variant="bodySm">
              {run.failure.message}
            </Text>
          ) : null}
          <Link url="/runs">View sync history</Link>
        </BlockStack>
      ) : (
        <Text as="p" tone="subdued">
          No sync has run yet.
        </Text>
      )}
    </TitledCard>
  );
}

function ConnectionsCard({ connections }: { connections: OverviewResponse['connections'] }) {
  return (
    <TitledCard testId="connections" title="Connections">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="span">Shopify tags and segments</Text>
        <Badge tone={connections.shopify ? 'success' : 'critical'}>{connections.shopify ? 'Connected' : 'Not connected'}</Badge>
      </InlineStack>
      <InlineStack align="space-between" blockAlign="center">
        <Text as="span">HubSpot lists{connections.hubspot.portalId ? ` (portal ${connections.hubspot.portalId})` : ''}</Text>
        <span data-testid="connection-hubspot" data-connected={connections.hubspot.connected}>
          <Badge tone={connections.hubspot.connected ? 'success' : undefined}>{connections.hubspot.connected ? 'Connected' : 'Not connected'}</Badge>
        </span>
      </InlineStack>
      {!connections.hubspot.connected ? <Link url="/settings">Connect HubSpot in Settings</Link> : null}
    </TitledCard>
  );
}

function SizeChartCard({ data }: { data: OverviewResponse }) {
  const rows = byKindThenSize(data.segments);
  const kinds = SEGMENT_KINDS.filter((k) => rows.some((r) => r.kind === k));
  return (
    <TitledCard title="Segment sizes by kind">
      <AutoWidth>
        {(width) => (
        <BarChart
          width={width}
          labelWidth={Math.min(190, Math.round(width * 0.38))}
          title="Segment sizes, coloured by kind"
          items={rows.map((r) => ({ label: r.name, value: r.size, color: KIND_COLORS[r.kind] }))}
          legend={kinds.map((k) => ({ label: KIND_LABELS[k], color: KIND_COLORS[k] }))}
          format={formatNumber}
          axisLabel="Customers"
          testId="chart-segment-sizes"
        />
        )}
      </AutoWidth>
    </TitledCard>
  );
}

function RevenueChartCard({ data }: { data: OverviewResponse }) {
  const rows = [...data.segments].sort((a, b) => b.revenueShare - a.revenueShare);
  return (
    <TitledCard title="Revenue share" subtitle="Share of the store's revenue against share of its customers. A segment earns more than its size when its first bar is longer.">
      <AutoWidth>
        {(width) => (
        <PairedBars
          width={width}
          labelWidth={Math.min(190, Math.round(width * 0.38))}
          title="Revenue share against customer share per segment"
          rows={rows.map((r) => ({ label: r.name, a: r.revenueShare, b: r.customerShare, format: (v) => formatPercent(v) }))}
          names={['Revenue share', 'Customer share']}
          colors={[SERIES.primary, SERIES.secondary]}
          testId="chart-revenue-share"
        />
        )}
      </AutoWidth>
      <Text as="p" tone="subdued" variant="bodySm">
        Store revenue: {formatCompact(data.totals.revenue)}
      </Text>
    </TitledCard>
  );
}
