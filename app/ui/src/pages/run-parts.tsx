// Pieces shared by the overview (last run) and the sync history: a status badge, and what a run
// read and wrote in one line each.
import { Badge } from '@shopify/polaris';
import type { RunSummary } from '../../../server/api/api-types.ts';
import { formatNumber } from '../../lib/format.ts';

export function RunStatusBadge({ status }: { status: RunSummary['status'] }) {
  const tone = status === 'succeeded' ? 'success' : status === 'failed' ? 'critical' : 'info';
  const label = status === 'succeeded' ? 'Succeeded' : status === 'failed' ? 'Failed' : 'Running';
  return (
    <span data-testid="run-status" data-status={status}>
      <Badge tone={tone} progress={status === 'running' ? 'partiallyComplete' : 'complete'}>
        {label}
      </Badge>
    </span>
  );
}

export const TRIGGER_LABELS: Readonly<Record<string, string>> = {
  schedule: 'Schedule',
  'sync-now': 'Sync now',
  install: 'Install',
  webhook: 'Webhook',
  cli: 'Command line',
  incremental: 'Incremental',
};

export function triggerLabel(trigger: string): string {
  return TRIGGER_LABELS[trigger] ?? trigger;
}

export function describeRead(read: RunSummary['read']): string {
  if (!read) return 'Nothing read';
  const parts = [`${formatNumber(read.customers)} customers (${read.mode.customers})`, `${formatNumber(read.orders)} orders (${read.mode.orders})`];
  if (read.hubspot.connected) parts.push(`${formatNumber(read.hubspot.contacts)} HubSpot contacts${read.hubspot.mode ? ` (${read.hubspot.mode})` : ''}`);
  return parts.join(', ');
}

export function describeWrote(wrote: RunSummary['wrote']): { shopify: string; hubspot: string } {
  if (!wrote) return { shopify: 'Nothing written', hubspot: 'Nothing written' };
  const s = wrote.shopify;
  const h = wrote.hubspot;
  const segments = s.segmentsCreated + s.segmentsUpdated + s.segmentsDeleted;
  return {
    shopify: `+${formatNumber(s.tagsAdded)} / −${formatNumber(s.tagsRemoved)} tags, ${formatNumber(segments)} segment change${segments === 1 ? '' : 's'}`,
    hubspot: `${formatNumber(h.contactsUpserted)} contacts updated (${formatNumber(h.contactsCreated)} new), +${formatNumber(h.membershipsAdded)} / −${formatNumber(h.membershipsRemoved)} list memberships`,
  };
}
