// Data quality: every check with its severity, the counts behind it, currencies and the freshness
// of each source.
import { Badge, BlockStack, DataTable, IndexTable, InlineStack, Layout, Page, Text } from '@shopify/polaris';
import type { QualityResponse } from '../../../server/api/api-types.ts';
import { formatDate, formatNumber, formatPercent } from '../../lib/format.ts';
import { useApi } from '../api/api.ts';
import { NumericCell } from '../components/numeric-cell.tsx';
import { EmptyCard, Loaded } from '../components/page-states.tsx';
import { TableCard, TitledCard } from '../components/titled-card.tsx';

type Severity = QualityResponse['severity'];

export function SeverityBadge({ severity }: { severity: Severity }) {
  const tone = severity === 'problem' ? 'critical' : severity === 'warning' ? 'warning' : 'success';
  const label = severity === 'problem' ? 'Problem' : severity === 'warning' ? 'Warning' : 'OK';
  return (
    <span data-testid="severity" data-severity={severity}>
      <Badge tone={tone}>{label}</Badge>
    </span>
  );
}

const SOURCE_LABELS: Record<string, string> = {
  'shopify-customers': 'Shopify customers',
  'shopify-orders': 'Shopify orders',
  'hubspot-contacts': 'HubSpot contacts',
  csv: 'CSV import',
};

export function QualityPage() {
  const { state, reload } = useApi<QualityResponse>('/quality');
  return (
    <Loaded title="Data quality" state={state} reload={reload}>
      {(data) => (
        <Page title="Data quality" subtitle={`As of ${formatDate(data.asOf)}`} titleMetadata={data.checks.length > 0 ? <SeverityBadge severity={data.severity} /> : undefined}>
          <Layout>
            <Layout.Section>
              {data.checks.length === 0 ? (
                <EmptyCard heading="No data to check yet" testId="quality-empty">
                  The checks run on the customers, orders and contacts of a sync. Run a first sync to see them.
                </EmptyCard>
              ) : (
                <ChecksTable checks={data.checks} />
              )}
            </Layout.Section>
            {data.sources.length > 0 || data.currencies.length > 0 ? (
              <Layout.Section variant="oneThird">
                <BlockStack gap="400">
                  <TitledCard testId="quality-sources" title="Sources">
                    {data.sources.map((s) => (
                      <InlineStack key={s.source} align="space-between" blockAlign="center">
                        <BlockStack gap="050">
                          <Text as="span">{SOURCE_LABELS[s.source] ?? s.source}</Text>
                          <Text as="span" variant="bodySm" tone="subdued">
                            {formatNumber(s.records)} records · newest {formatDate(s.newestUpdatedAt)}
                          </Text>
                        </BlockStack>
                        <Badge tone={s.stale ? 'warning' : 'success'}>{s.stale ? `Stale (${s.ageDays} d)` : 'Fresh'}</Badge>
                      </InlineStack>
                    ))}
                  </TitledCard>
                  {data.currencies.length > 0 ? (
                    <TableCard title="Currencies">
                      <DataTable columnContentTypes={['text', 'numeric', 'numeric']} headings={['Currency', 'Orders', 'Share']} rows={data.currencies.map((c) => [c.currency, formatNumber(c.orders), formatPercent(c.share)])} />
                    </TableCard>
                  ) : null}
                </BlockStack>
              </Layout.Section>
            ) : null}
          </Layout>
        </Page>
      )}
    </Loaded>
  );
}

const RANK: Record<Severity, number> = { problem: 0, warning: 1, ok: 2 };

function ChecksTable({ checks }: { checks: QualityResponse['checks'] }) {
  const rows = [...checks].sort((a, b) => RANK[a.severity] - RANK[b.severity] || Number(b.available) - Number(a.available));
  return (
    <TableCard testId="quality-checks">
      <IndexTable
        resourceName={{ singular: 'check', plural: 'checks' }}
        itemCount={rows.length}
        selectable={false}
        headings={[{ title: 'Check' }, { title: 'Severity' }, { title: 'Affected', alignment: 'end' }, { title: 'Finding' }]}
      >
        {rows.map((check, index) => (
          <IndexTable.Row id={check.id} key={check.id} position={index}>
            <IndexTable.Cell className="sr-cell-wrap">
              <span data-testid={`quality-check-${check.id}`}>
                <Text as="span" fontWeight="semibold">
                  {check.title}
                </Text>
              </span>
            </IndexTable.Cell>
            <IndexTable.Cell>{check.available ? <SeverityBadge severity={check.severity} /> : <Badge>Not available</Badge>}</IndexTable.Cell>
            <NumericCell>{check.count === null ? '—' : `${formatNumber(check.count)}${check.share === null ? '' : ` (${formatPercent(check.share)})`}`}</NumericCell>
            <IndexTable.Cell>
              <div style={{ whiteSpace: 'normal', minWidth: 200, paddingInlineEnd: 'var(--p-space-200)' }}>
                <Text as="span" tone={check.available ? undefined : 'subdued'}>
                  {check.finding}
                </Text>
              </div>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </TableCard>
  );
}
