// "Sync now": queues a full sync (POST /api/sync) and says so in a toast.
import { Button } from '@shopify/polaris';
import { useState } from 'react';
import type { SyncNowResponse } from '../../../server/api/api-types.ts';
import { errorMessage } from '../../lib/api-client.ts';
import { api } from '../api/api.ts';
import { useToast } from './toast.tsx';

export function useSyncNow(): { syncing: boolean; syncNow: () => Promise<void> } {
  const toast = useToast();
  const [syncing, setSyncing] = useState(false);
  async function syncNow() {
    setSyncing(true);
    try {
      const result = await api.post<SyncNowResponse>('/sync', { mode: 'full' });
      toast(`A ${result.mode} sync is queued`);
    } catch (error) {
      toast(`Sync not started: ${errorMessage(error)}`, { error: true });
    } finally {
      setSyncing(false);
    }
  }
  return { syncing, syncNow };
}

export function SyncNowButton({ variant }: { variant?: 'primary' | 'secondary' }) {
  const { syncing, syncNow } = useSyncNow();
  return (
    <Button variant={variant} loading={syncing} onClick={() => void syncNow()} id="sync-now">
      Sync now
    </Button>
  );
}
