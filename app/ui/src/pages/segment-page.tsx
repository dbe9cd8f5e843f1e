// One segment: why these people are together, their feature profile against the store, sample
// members, where the segment is written, and the holdout lift with its intervals.
import { Badge, BlockStack, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from '@shopify/polaris';
import type { SegmentResponse } from '../../../server/api/api-types.ts';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent } from '../../lib/format.ts';
import { KIND_LABELS, KIND_TONES } from '../../lib/segment-kinds.ts';
import { useApi } from '../api/api.ts';
import { SERIES } from '../charts/chart-parts.tsx';
import { PairedBars } from '../charts/paired-bars.tsx';
import { AutoWidth } from '../charts/auto-width.tsx';
import { Figure } from '../components/figure.tsx';
import { EmptyCard, Loaded } from '../components/page-states.tsx';
import { TableCard, TitledCard } from '../components/titled-card.tsx';
import { LiftCard } from './lift-card.tsx';

const formatters: Record<SegmentResponse['profile'][number]['unit'], (v: number) => string> = {
  count: (v) => formatNumber(v, v < 10 ? 1 : 0),
  days: (v) => `${formatNumber(v)} d`,
  money: (v) => formatMoney(v),
  share: (v) => formatPercent(v),
};

export function SegmentPage({ segmentKey }: { segmentKey: string }) {
  const { state, reload } = useApi<SegmentResponse>(`/segments/${encodeURIComponent(segmentKey)}`);
  return (
    <Loaded title="Segment" state={state} reload={reload}>
      {(data) => (
        <Page
          title={data.segment.name}
          titleMetadata={<Badge tone={KIND_TONES[data.segment.kind]}>{KIND_LABELS[data.segment.kind]}</Badge>}
          subtitle={data.segment.description}
          backAction={{ content: 'Overview', url: '/' }}
        >
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <TitledCard testId="segment-explanation" title="Why these people are together">
                  <Text as="p">{data.explanation}</Text>
                  <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                    <Figure label="People" value={formatNumber(data.segment.size)} testId="segment-size" />
                    <Figure label="Share of people" value={formatPercent(data.segment.customerShare)} />
                    <Figure label="Revenue" value={formatMoney(data.segment.revenue)} />
                    <Figure label="Share of revenue" value={formatPercent(data.segment.revenueShare)} />
                  </InlineGrid>
                </TitledCard>
                <TitledCard testId="segment-profile" title="Profile against the store" subtitle="Average of the segment's members against the average customer. Each row has its own scale.">
                  {data.profile.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No features computed yet.
                    </Text>
                  ) : (
                    <AutoWidth>
                      {(width) => (
                      <PairedBars
                        width={width}
                        title={`Feature profile of ${data.segment.name} against the store`}
                        rows={data.profile.map((p) => ({ label: p.label, a: p.segment, b: p.store, format: formatters[p.unit] }))}
                        names={[data.segment.name, 'Store average']}
                        colors={[SERIES.primary, SERIES.secondary]}
                        scale="row"
                        testId="chart-profile"
                      />
                      )}
                    </AutoWidth>
                  )}
                </TitledCard>
                <LiftCard lift={data.lift} />
                <SampleMembers members={data.sampleMembers} />
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <SyncedTo syncedTo={data.syncedTo} />
            </Layout.Section>
          </Layout>
        </Page>
      )}
    </Loaded>
  );
}

function SampleMembers({ members }: { members: SegmentResponse['sampleMembers'] }) {
  if (members.length === 0) {
    return (
      <EmptyCard heading="No members" testId="segment-members-empty">
        Nobody is in this segment at the moment.
      </EmptyCard>
    );
  }
  return (
    <TableCard testId="segment-members" title="Sample members" subtitle="Up to 20 members, highest spend first. Emails are masked.">
      <DataTable
        columnContentTypes={['text', 'text', 'numeric', 'numeric', 'text']}
        headings={['Name', 'Email', 'Orders', 'Spent', 'Last order']}
        rows={members.map((m) => [m.name ?? '(no name)', m.email ?? '—', formatNumber(m.orders), formatMoney(m.spent), formatDate(m.lastOrderAt)])}
      />
    </TableCard>
  );
}

function SyncedTo({ syncedTo }: { syncedTo: SegmentResponse['syncedTo'] }) {
  return (
    <TitledCard testId="segment-synced-to" title="Where it is synced">
      {syncedTo.length === 0 ? (
        <Text as="p" tone="subdued">
          Not written to any platform yet: it is written on the next sync.
        </Text>
      ) : (
        syncedTo.map((target) => (
          <BlockStack gap="100" key={`${target.platform}-${target.remoteId}`}>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {target.platform === 'shopify' ? 'Shopify segment' : 'HubSpot list'}
              </Text>
              <Badge tone="success">{`${formatNumber(target.members)} members`}</Badge>
            </InlineStack>
            <Text as="span">{target.name}</Text>
            <Text as="span" tone="subdued" variant="bodySm">
              {target.platform === 'shopify' ? target.remoteId : `List ${target.remoteId}`} · updated {formatDateTime(target.updatedAt)}
            </Text>
          </BlockStack>
        ))
      )}
    </TitledCard>
  );
}
