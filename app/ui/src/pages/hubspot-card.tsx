// The HubSpot connection: connected (portal, how, rate limit, disconnect) or a form for a
// private-app token, with "connect with OAuth" as the other way in.
import { Badge, Banner, Button, Checkbox, FormLayout, InlineStack, Modal, Select, Text, TextField } from '@shopify/polaris';
import { useState } from 'react';
import type { HubSpotConnectRequest, SettingsResponse } from '../../../server/api/api-types.ts';
import { ApiRequestError, errorMessage, issuesByPath } from '../../lib/api-client.ts';
import { api } from '../api/api.ts';
import { TitledCard } from '../components/titled-card.tsx';
import { useToast } from '../components/toast.tsx';

/** Under /api: it needs the session token, so the UI fetches it and opens the URL it answers. */
export const OAUTH_START_PATH = '/hubspot/oauth/start';

export function HubSpotCard({ hubspot, onChanged }: { hubspot: SettingsResponse['hubspot']; onChanged: () => void }) {
  return hubspot.connected ? <Connected hubspot={hubspot} onChanged={onChanged} /> : <ConnectForm onChanged={onChanged} />;
}

function Connected({ hubspot, onChanged }: { hubspot: SettingsResponse['hubspot']; onChanged: () => void }) {
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  async function disconnect() {
    setBusy(true);
    try {
      await api.delete('/hubspot');
      toast('HubSpot disconnected');
      setConfirm(false);
      onChanged();
    } catch (error) {
      toast(`Not disconnected: ${errorMessage(error)}`, { error: true });
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <TitledCard testId="hubspot-connected" title={hubspot.portalId ? `Portal ${hubspot.portalId}` : 'HubSpot portal'} aside={<Badge tone="success">Connected</Badge>}>
        <Text as="p" tone="subdued">
          {hubspot.authKind === 'oauth' ? 'Connected with OAuth' : 'Connected with a private-app token'}
          {hubspot.requestsPerTenSeconds ? ` · at most ${hubspot.requestsPerTenSeconds} requests per 10 seconds` : ''}
          {hubspot.createContacts ? ' · creates contacts for customers not in HubSpot' : ' · updates existing contacts only'}
        </Text>
        <InlineStack>
          <Button tone="critical" onClick={() => setConfirm(true)}>
            Disconnect HubSpot
          </Button>
        </InlineStack>
      </TitledCard>
      <Modal
        open={confirm}
        onClose={() => setConfirm(false)}
        title="Disconnect HubSpot?"
        primaryAction={{ content: 'Disconnect', destructive: true, loading: busy, onAction: () => void disconnect() }}
        secondaryActions={[{ content: 'Cancel', onAction: () => setConfirm(false) }]}
      >
        <Modal.Section>
          <Text as="p">The stored token is deleted. Lists already in HubSpot stay there but are no longer updated.</Text>
        </Modal.Section>
      </Modal>
    </>
  );
}

function ConnectForm({ onChanged }: { onChanged: () => void }) {
  const toast = useToast();
  const [token, setToken] = useState('');
  const [rate, setRate] = useState('100');
  const [createContacts, setCreateContacts] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [oauth, setOauth] = useState<{ status: 'idle' | 'starting' } | { status: 'opened' | 'blocked'; url: string } | { status: 'error'; message: string }>({ status: 'idle' });

  async function connectWithOAuth() {
    setOauth({ status: 'starting' });
    try {
      const { url } = await api.get<{ url: string }>(OAUTH_START_PATH);
      // HubSpot's install screen in a new window; its last page says to come back here.
      const opened = window.open(url, '_blank');
      setOauth({ status: opened ? 'opened' : 'blocked', url });
    } catch (e) {
      setOauth({ status: 'error', message: errorMessage(e) });
    }
  }

  async function connect() {
    setBusy(true);
    setError(null);
    try {
      const body: HubSpotConnectRequest = { accessToken: token.trim(), requestsPerTenSeconds: Number(rate), createContacts };
      await api.post('/hubspot/connect', body);
      toast('HubSpot connected');
      setToken('');
      onChanged();
    } catch (e) {
      setError({ message: errorMessage(e), fields: e instanceof ApiRequestError ? issuesByPath(e.issues) : {} });
    } finally {
      setBusy(false);
    }
  }

  return (
    <TitledCard
      testId="hubspot-connect-form"
      title="Connect HubSpot"
      aside={
        <span data-testid="hubspot-status" data-connected="false">
          <Badge>Not connected</Badge>
        </span>
      }
      gap="400"
    >
      {error ? (
        <div data-testid="hubspot-connect-error">
          <Banner tone="critical" title="HubSpot was not connected" onDismiss={() => setError(null)}>
            <p>{error.message}</p>
          </Banner>
        </div>
      ) : null}
      {oauth.status === 'error' ? (
        <div data-testid="hubspot-oauth-error">
          <Banner tone="warning" title="HubSpot OAuth is not available" onDismiss={() => setOauth({ status: 'idle' })}>
            <p>{oauth.message}</p>
          </Banner>
        </div>
      ) : null}
      {oauth.status === 'opened' || oauth.status === 'blocked' ? (
        <div data-testid="hubspot-oauth-opened" data-status={oauth.status}>
          <Banner
            tone="info"
            title={oauth.status === 'opened' ? "HubSpot's install screen opened in a new window" : 'Open HubSpot to connect'}
            action={{ content: 'Check the connection', onAction: onChanged }}
            onDismiss={() => setOauth({ status: 'idle' })}
          >
            <p>
              {oauth.status === 'opened' ? 'Choose the portal and grant access there, then come back and check the connection. ' : 'The browser did not open a new window. '}
              <a href={oauth.url} target="_blank" rel="noopener noreferrer">
                Open HubSpot&apos;s install screen
              </a>
            </p>
          </Banner>
        </div>
      ) : null}
      <FormLayout>
        <TextField
          id="hubspot-token"
          label="Private app access token"
          type="password"
          value={token}
          onChange={setToken}
          autoComplete="off"
          helpText="In HubSpot: Settings › Integrations › Private apps. Scopes: crm.objects.contacts, crm.lists, crm.schemas.contacts."
          error={error?.fields['accessToken']}
        />
        <FormLayout.Group>
          <Select
            id="hubspot-rate"
            label="HubSpot plan (request limit)"
            options={[
              { label: 'Free or Starter: 100 per 10 s', value: '100' },
              { label: 'Professional or Enterprise: 190 per 10 s', value: '190' },
            ]}
            value={rate}
            onChange={setRate}
            error={error?.fields['requestsPerTenSeconds']}
          />
        </FormLayout.Group>
        <Checkbox id="hubspot-create-contacts" label="Create HubSpot contacts for customers who are not there yet" checked={createContacts} onChange={setCreateContacts} />
      </FormLayout>
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <Button onClick={() => void connectWithOAuth()} loading={oauth.status === 'starting'}>
          Connect with OAuth
        </Button>
        <Button variant="primary" onClick={() => void connect()} loading={busy} disabled={token.trim() === ''}>
          Connect
        </Button>
      </InlineStack>
    </TitledCard>
  );
}
