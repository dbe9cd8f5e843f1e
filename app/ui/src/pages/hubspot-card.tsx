// The HubSpot connection: connected (portal, how, rate limit, disconnect) or a form for a
// private-app token, with "connect with OAuth" as the other way in. OAuth: HubSpot's install screen
// opens in a new window; its callback page posts { code, state } back to this window, which
// completes the connection through the API with its session token (so only the shop that started
// the flow can finish it). When that window cannot reach this one (its opener link severed), it
// shows a one-time connection code instead, which is pasted here ("I have a connection code") and
// completes the connection the same way.
import { Badge, Banner, Button, Checkbox, FormLayout, InlineStack, Modal, Select, Text, TextField } from '@shopify/polaris';
import { useEffect, useRef, useState } from 'react';
import type { HubSpotConnectRequest, HubSpotConnectResponse, HubSpotOAuthCompleteRequest, SettingsResponse } from '../../../server/api/api-types.ts';
import { ApiRequestError, errorMessage, issuesByPath } from '../../lib/api-client.ts';
import { decodeConnectionCode } from '../../lib/oauth-connection-code.ts';
import { api } from '../api/api.ts';
import { TitledCard } from '../components/titled-card.tsx';
import { useToast } from '../components/toast.tsx';

/** Under /api: it needs the session token, so the UI fetches it and opens the URL it answers. */
export const OAUTH_START_PATH = '/hubspot/oauth/start';
export const OAUTH_COMPLETE_PATH = '/hubspot/oauth/complete';
/** The type of the callback page's message (app/server/hubspot-connect.ts). */
export const OAUTH_MESSAGE_TYPE = 'refinery:hubspot-oauth';
/** This window's answer to it: the callback page shows the connection code when none comes. */
export const OAUTH_ACK_TYPE = 'refinery:hubspot-oauth-received';

type OAuthMessage = { type: typeof OAUTH_MESSAGE_TYPE; code: string; state: string } | { type: typeof OAUTH_MESSAGE_TYPE; error: string };

function oauthMessage(data: unknown): OAuthMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m['type'] !== OAUTH_MESSAGE_TYPE) return null;
  if (typeof m['code'] === 'string' && typeof m['state'] === 'string') return { type: OAUTH_MESSAGE_TYPE, code: m['code'], state: m['state'] };
  if (typeof m['error'] === 'string') return { type: OAUTH_MESSAGE_TYPE, error: m['error'] };
  return null;
}

type OAuthStatus =
  | { status: 'idle' | 'starting' | 'completing' }
  | { status: 'opened' | 'blocked'; url: string }
  | { status: 'error' | 'failed'; message: string };

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
  const [oauth, setOauth] = useState<OAuthStatus>({ status: 'idle' });
  /** The connection-code field: shown on request, and while HubSpot's window is open. */
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);
  /** The message listener for the window opened last, if it has not answered yet. */
  const listening = useRef<((event: MessageEvent) => void) | null>(null);

  function stopListening() {
    if (listening.current) window.removeEventListener('message', listening.current);
    listening.current = null;
  }
  useEffect(() => stopListening, []);

  async function complete(message: OAuthMessage) {
    if ('error' in message) {
      const text = message.error === 'access_denied' ? 'access was not granted in HubSpot' : `HubSpot answered ${message.error}`;
      setOauth({ status: 'failed', message: text });
      toast(`HubSpot was not connected: ${text}`, { error: true });
      return;
    }
    setOauth({ status: 'completing' });
    try {
      const body: HubSpotOAuthCompleteRequest = { code: message.code, state: message.state };
      const connected = await api.post<HubSpotConnectResponse>(OAUTH_COMPLETE_PATH, body);
      toast(`HubSpot connected (portal ${connected.portalId})`);
      setOauth({ status: 'idle' });
      setPasted('');
      setPasteOpen(false);
      onChanged();
    } catch (e) {
      setOauth({ status: 'failed', message: errorMessage(e) });
      toast(`HubSpot was not connected: ${errorMessage(e)}`, { error: true });
      onChanged();
    }
  }

  /** HubSpot's install screen in a new window; only that window's message completes the connection. */
  function openInstallScreen(url: string) {
    stopListening();
    const opened = window.open(url, '_blank');
    if (!opened) {
      setOauth({ status: 'blocked', url });
      return;
    }
    const listener = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || event.source !== opened) return;
      const message = oauthMessage(event.data);
      if (!message) return;
      stopListening();
      // Received: the callback page closes instead of showing the connection code.
      opened.postMessage({ type: OAUTH_ACK_TYPE }, event.origin);
      void complete(message);
    };
    listening.current = listener;
    window.addEventListener('message', listener);
    setOauth({ status: 'opened', url });
  }

  async function connectWithOAuth() {
    stopListening();
    setOauth({ status: 'starting' });
    try {
      const { url } = await api.get<{ url: string }>(OAUTH_START_PATH);
      openInstallScreen(url);
    } catch (e) {
      setOauth({ status: 'error', message: errorMessage(e) });
    }
  }

  /** The connection code the callback page showed, pasted: completes as the window's message would. */
  function finishWithCode() {
    const connection = decodeConnectionCode(pasted);
    if (!connection) {
      setPasteError('This is not a connection code: copy the whole code from the HubSpot window (the Copy button there) and paste it here.');
      return;
    }
    setPasteError(null);
    setPasteOpen(true);
    stopListening();
    void complete({ type: OAUTH_MESSAGE_TYPE, ...connection });
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
      {oauth.status === 'failed' ? (
        <div data-testid="hubspot-oauth-failed">
          <Banner tone="critical" title="HubSpot was not connected" onDismiss={() => setOauth({ status: 'idle' })}>
            <p>{oauth.message}</p>
          </Banner>
        </div>
      ) : null}
      {oauth.status === 'opened' || oauth.status === 'blocked' ? (
        <div data-testid="hubspot-oauth-opened" data-status={oauth.status}>
          <Banner
            tone="info"
            title={oauth.status === 'opened' ? "HubSpot's install screen opened in a new window" : 'Open HubSpot to connect'}
            // A button, not a link: the new window must keep this one as its opener to report back.
            action={{ content: oauth.status === 'opened' ? 'Open it again' : "Open HubSpot's install screen", onAction: () => openInstallScreen(oauth.url) }}
            onDismiss={() => {
              stopListening();
              setOauth({ status: 'idle' });
            }}
          >
            <p>
              {oauth.status === 'opened'
                ? 'Choose the portal and grant access there: the connection completes here when HubSpot sends you back. If that window shows a connection code instead, paste it below.'
                : 'The browser did not open a new window: open it with the button below.'}
            </p>
          </Banner>
        </div>
      ) : null}
      {pasteOpen || oauth.status === 'opened' || oauth.status === 'blocked' ? (
        <div data-testid="hubspot-oauth-paste">
          <FormLayout>
            <TextField
              id="hubspot-oauth-code"
              label="Connection code"
              value={pasted}
              onChange={(value) => {
                setPasted(value);
                setPasteError(null);
              }}
              autoComplete="off"
              helpText={'If the HubSpot window shows a connection code instead of coming back here, copy it and paste it here. It works once, within 10 minutes of choosing "Connect with OAuth".'}
              error={pasteError ?? undefined}
            />
            <InlineStack gap="200">
              <Button onClick={finishWithCode} loading={oauth.status === 'completing'} disabled={pasted.trim() === ''}>
                Finish connecting
              </Button>
            </InlineStack>
          </FormLayout>
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
        <InlineStack gap="300" blockAlign="center">
          <Button onClick={() => void connectWithOAuth()} loading={oauth.status === 'starting' || oauth.status === 'completing'}>
            Connect with OAuth
          </Button>
          {pasteOpen || oauth.status === 'opened' || oauth.status === 'blocked' ? null : (
            <Button variant="plain" onClick={() => setPasteOpen(true)}>
              I have a connection code
            </Button>
          )}
        </InlineStack>
        <Button variant="primary" onClick={() => void connect()} loading={busy} disabled={token.trim() === ''}>
          Connect
        </Button>
      </InlineStack>
    </TitledCard>
  );
}
