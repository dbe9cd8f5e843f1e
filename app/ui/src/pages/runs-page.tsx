// Sync history: every run, newest first, with its trigger, status and duration; the selected run
// in detail (what was read, what was written to each platform, errors).
import { Banner, DataTable, IndexTable, InlineGrid, Layout, Page, Text } from '@shopify/polaris';
import { useState } from 'react';
import type { RunSummary, RunsResponse } from '../../../server/api/api-types.ts';
import { formatDateTime, formatDuration, formatNumber } from '../../lib/format.ts';
import { useApi } from '../api/api.ts';
import { NumericCell } from '../components/numeric-cell.tsx';
import { EmptyCard, Loaded } from '../components/page-states.tsx';
import { SyncNowButton, useSyncNow } from '../components/sync-now.tsx';
import { TableCard, TitledCard, TitledSection } from '../components/titled-card.tsx';
import { RunStatusBadge, describeRead, triggerLabel } from './run-parts.tsx';

export function RunsPage() {
  const { state, reload } = useApi<RunsResponse>('/runs?limit=50');
  const { syncing, syncNow } = useSyncNow();
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Loaded title="Sync history" state={state} reload={reload}>
      {(data) => {
        const current = data.runs.find((r) => r.id === selected) ?? data.runs[0] ?? null;
        return (
          <Page
            title="Sync history"
            primaryAction={{ content: 'Sync now', onAction: () => void syncNow(), loading: syncing }}
            secondaryActions={[{ content: 'Refresh', onAction: reload }]}
          >
            <Layout>
              {data.runs.length === 0 ? (
                <Layout.Section>
                  <EmptyCard heading="No runs yet" action={<SyncNowButton variant="primary" />} testId="runs-empty">
                    Every sync (scheduled, on install, from webhooks or by hand) is recorded here with what it read and wrote.
                  </EmptyCard>
                </Layout.Section>
              ) : (
                <>
                  <Layout.Section>
                    <RunsTable runs={data.runs} selectedId={current?.id ?? null} onSelect={setSelected} />
                  </Layout.Section>
                  {current ? (
                    <Layout.Section>
                      <RunDetail run={current} />
                    </Layout.Section>
                  ) : null}
                </>
              )}
            </Layout>
          </Page>
        );
      }}
    </Loaded>
  );
}

function RunsTable({ runs, selectedId, onSelect }: { runs: RunSummary[]; selectedId: string | null; onSelect: (id: string) => void }) {
  return (
    <TableCard testId="runs-table">
      <IndexTable
        resourceName={{ singular: 'run', plural: 'runs' }}
        itemCount={runs.length}
        selectable={false}
        headings={[{ title: 'Started' }, { title: 'Trigger' }, { title: 'Status' }, { title: 'Duration', alignment: 'end' }, { title: 'Read' }, { title: 'Errors', alignment: 'end' }]}
      >
        {runs.map((run, index) => (
          <IndexTable.Row id={run.id} key={run.id} position={index} onClick={() => onSelect(run.id)}>
            <IndexTable.Cell>
              <span data-testid={`run-row-${run.id}`}>
                <Text as="span" fontWeight={run.id === selectedId ? 'semibold' : 'regular'}>
                  {formatDateTime(run.startedAt)}
                </Text>
              </span>
            </IndexTable.Cell>
            <IndexTable.Cell>{triggerLabel(run.trigger)}</IndexTable.Cell>
            <IndexTable.Cell>
              <RunStatusBadge status={run.status} />
            </IndexTable.Cell>
            <NumericCell>{formatDuration(run.durationMs)}</NumericCell>
            <IndexTable.Cell>
              <Text as="span" variant="bodySm" tone="subdued">
                {run.read ? `${formatNumber(run.read.customers)} customers, ${formatNumber(run.read.orders)} orders` : '—'}
              </Text>
            </IndexTable.Cell>
            <NumericCell tone={run.errors.length > 0 ? 'critical' : 'subdued'}>{formatNumber(run.errors.length)}</NumericCell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </TableCard>
  );
}

function RunDetail({ run }: { run: RunSummary }) {
  const s = run.wrote?.shopify;
  const h = run.wrote?.hubspot;
  return (
    <TitledCard testId="run-detail" attributes={{ 'data-run-id': run.id }} title={`Run ${run.id}`} aside={<RunStatusBadge status={run.status} />} gap="400">
      <Text as="p" tone="subdued">
        {triggerLabel(run.trigger)} · started {formatDateTime(run.startedAt)} · {run.finishedAt ? `finished ${formatDateTime(run.finishedAt)} (${formatDuration(run.durationMs)})` : 'still running'}
      </Text>
      {run.failure ? (
        <div data-testid="run-failure">
          <Banner tone="critical" title={`Failed: ${run.failure.code}`}>
            <p>
              {run.failure.message} {run.failure.retriable ? 'It may succeed on a later try.' : 'Trying again will not help until the cause is fixed.'}
            </p>
          </Banner>
        </div>
      ) : null}
      <TitledSection testId="run-read" title="Read">
        <Text as="p">{describeRead(run.read)}</Text>
        {run.read?.hubspot.skipped ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {formatNumber(run.read.hubspot.skipped)} HubSpot contacts skipped
          </Text>
        ) : null}
      </TitledSection>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <WroteCounts
          testId="run-wrote-shopify"
          title="Written to Shopify"
          rows={
            s && [
              ['Tags added', formatNumber(s.tagsAdded)],
              ['Tags removed', formatNumber(s.tagsRemoved)],
              ['Segments created', formatNumber(s.segmentsCreated)],
              ['Segments updated', formatNumber(s.segmentsUpdated)],
              ['Segments deleted', formatNumber(s.segmentsDeleted)],
            ]
          }
        />
        <WroteCounts
          testId="run-wrote-hubspot"
          title="Written to HubSpot"
          rows={
            h && [
              ['Contacts updated', formatNumber(h.contactsUpserted)],
              ['Contacts created', formatNumber(h.contactsCreated)],
              ['List memberships added', formatNumber(h.membershipsAdded)],
              ['List memberships removed', formatNumber(h.membershipsRemoved)],
              ['Lists created / deleted', `${formatNumber(h.listsCreated)} / ${formatNumber(h.listsDeleted)}`],
              ['Properties created', formatNumber(h.propertiesCreated)],
            ]
          }
        />
      </InlineGrid>
      <TitledSection testId="run-errors" title="Errors" gap="200">
        {run.errors.length === 0 ? (
          <Text as="p" tone="subdued">
            None
          </Text>
        ) : (
          run.errors.map((error, i) => (
            <Banner key={`${error.code}-${i}`} tone="warning" title={error.code}>
              <p>{error.message}</p>
            </Banner>
          ))
        )}
      </TitledSection>
    </TitledCard>
  );
}

/** What a run wrote to one platform, as counts; "Nothing written" when it wrote nothing there. */
function WroteCounts({ testId, title, rows }: { testId: string; title: string; rows: Array<[string, string]> | undefined }) {
  return (
    <TitledSection testId={testId} title={title}>
      {rows ? (
        <DataTable columnContentTypes={['text', 'numeric']} headings={['', 'Count']} rows={rows} />
      ) : (
        <Text as="p" tone="subdued">
          Nothing written
        </Text>
      )}
    </TitledSection>
  );
}
