// Settings: HubSpot connection, tag prefix, consent policy, holdout share, the sync schedule
// (cron, time zone, incremental interval, paused), save with the server's field errors, sync now.
import { Banner, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, RangeSlider, Select, Text, TextField } from '@shopify/polaris';
import { useMemo, useState } from 'react';
import type { SettingsResponse } from '../../../server/api/api-types.ts';
import { ApiRequestError, errorMessage } from '../../lib/api-client.ts';
import { formatDateTime, formatPercent } from '../../lib/format.ts';
import { MAX_HOLDOUT_SHARE, checkForm, errorsFromIssues, formFromSettings, isDirty, timeZoneOptions, updateFromForm, type FormErrors, type SettingsForm } from '../../lib/settings-form.ts';
import { api, useApi } from '../api/api.ts';
import { Loaded } from '../components/page-states.tsx';
import { useSyncNow } from '../components/sync-now.tsx';
import { useToast } from '../components/toast.tsx';
import { HubSpotCard } from './hubspot-card.tsx';

export function SettingsPage() {
  const { state, reload, set } = useApi<SettingsResponse>('/settings');
  return (
    <Loaded title="Settings" state={state} reload={reload}>
      {(saved) => <SettingsBody key={JSON.stringify(saved)} saved={saved} onSaved={set} reload={reload} />}
    </Loaded>
  );
}

function supportedTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

function SettingsBody({ saved, onSaved, reload }: { saved: SettingsResponse; onSaved: (s: SettingsResponse) => void; reload: () => void }) {
  const toast = useToast();
  const { syncing, syncNow } = useSyncNow();
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(saved));
  const [serverErrors, setServerErrors] = useState<{ fields: FormErrors; other: string[]; message: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const zones = useMemo(() => timeZoneOptions(supportedTimeZones(), form.timeZone), [form.timeZone]);
  const localErrors = checkForm(form);
  const errors: FormErrors = { ...localErrors, ...serverErrors?.fields };
  const dirty = isDirty(form, saved);
  const update = <K extends keyof SettingsForm>(field: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    if (serverErrors?.fields[field]) setServerErrors({ ...serverErrors, fields: { ...serverErrors.fields, [field]: undefined } });
  };

  async function save() {
    setSaving(true);
    setServerErrors(null);
    try {
      const next = await api.put<SettingsResponse>('/settings', updateFromForm(form, saved));
      toast('Settings saved');
      onSaved(next);
    } catch (error) {
      const issues = error instanceof ApiRequestError ? error.issues : [];
      setServerErrors({ ...errorsFromIssues(issues), message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  }

  const canSave = dirty && Object.keys(localErrors).length === 0 && !saving;
  return (
    <Page
      title="Settings"
      primaryAction={{ content: 'Save', onAction: () => void save(), loading: saving, disabled: !canSave }}
      secondaryActions={[{ content: 'Sync now', onAction: () => void syncNow(), loading: syncing }]}
    >
      <Layout>
        {serverErrors ? (
          <Layout.Section>
            <div data-testid="settings-errors">
              <Banner tone="critical" title="The settings were not saved" onDismiss={() => setServerErrors(null)}>
                <p>{serverErrors.message}</p>
                {serverErrors.other.length > 0 ? (
                  <ul>
                    {serverErrors.other.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                ) : null}
              </Banner>
            </div>
          </Layout.Section>
        ) : null}
        <Layout.AnnotatedSection id="hubspot" title="HubSpot" description="Segments are written to HubSpot as static lists and contact properties.">
          <HubSpotCard hubspot={saved.hubspot} onChanged={reload} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="write-back" title="Write-back" description="How segments are written to Shopify and HubSpot, and who is left out.">
          <Card>
            <div data-testid="settings-write-back">
              <FormLayout>
                <TextField
                  id="settings-tag-prefix"
                  label="Tag prefix"
                  value={form.tagPrefix}
                  onChange={(v) => update('tagPrefix', v)}
                  autoComplete="off"
                  helpText={`Customer tags look like ${form.tagPrefix || 'prefix'}champions.`}
                  error={errors.tagPrefix}
                />
                <Select
                  id="settings-consent"
                  label="Who is written to the platforms"
                  options={[
                    { label: 'Everyone', value: 'all' },
                    { label: 'Only people who accept email marketing', value: 'subscribed-only' },
                  ]}
                  value={form.consentPolicy}
                  onChange={(v) => update('consentPolicy', v === 'subscribed-only' ? 'subscribed-only' : 'all')}
                  error={errors.consentPolicy}
                />
                <RangeSlider
                  id="settings-holdout"
                  label="Holdout share"
                  min={0}
                  max={MAX_HOLDOUT_SHARE}
                  step={0.01}
                  value={form.holdoutShare}
                  onChange={(v) => update('holdoutShare', typeof v === 'number' ? Math.round(v * 100) / 100 : form.holdoutShare)}
                  output
                  suffix={<Text as="span" numeric>{formatPercent(form.holdoutShare, 0)}</Text>}
                  helpText="Members held out of the write-back in every segment, to measure lift."
                  error={errors.holdoutShare}
                />
              </FormLayout>
            </div>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="schedule" title="Sync schedule" description="Full syncs read everything again; incremental syncs read what changed since the last run.">
          <Card>
            <div data-testid="settings-schedule">
              <FormLayout>
                <Checkbox id="settings-full-enabled" label="Run full syncs on a schedule" checked={form.fullSyncEnabled} onChange={(v) => update('fullSyncEnabled', v)} />
                <FormLayout.Group>
                  <TextField
                    id="settings-cron"
                    label="Full sync (cron)"
                    value={form.fullSyncCron}
                    onChange={(v) => update('fullSyncCron', v)}
                    disabled={!form.fullSyncEnabled}
                    monospaced
                    autoComplete="off"
                    helpText="minute hour day month weekday, e.g. 0 3 * * * (03:00 every day)"
                    error={errors.fullSyncCron}
                  />
                  <Select id="settings-timezone" label="Time zone" options={zones} value={form.timeZone} onChange={(v) => update('timeZone', v)} error={errors.timeZone} />
                </FormLayout.Group>
                <Checkbox id="settings-incremental-enabled" label="Run incremental syncs" checked={form.incrementalEnabled} onChange={(v) => update('incrementalEnabled', v)} />
                <TextField
                  id="settings-incremental"
                  label="Incremental sync every"
                  type="number"
                  min={1}
                  max={1440}
                  suffix="minutes"
                  value={form.incrementalEveryMinutes}
                  onChange={(v) => update('incrementalEveryMinutes', v)}
                  disabled={!form.incrementalEnabled}
                  autoComplete="off"
                  error={errors.incrementalEveryMinutes}
                />
                <Checkbox id="settings-paused" label="Pause the schedule" helpText="Nothing runs on schedule while paused; the settings are kept." checked={form.paused} onChange={(v) => update('paused', v)} error={errors.paused} />
                <InlineStack align="space-between" blockAlign="center">
                  <span data-testid="next-full-sync">
                    <Text as="span" tone="subdued" variant="bodySm">
                      {saved.nextFullSyncAt ? `Next full sync: ${formatDateTime(saved.nextFullSyncAt, saved.schedule.timeZone)} (${saved.schedule.timeZone})` : 'No full sync scheduled.'}
                    </Text>
                  </span>
                </InlineStack>
              </FormLayout>
            </div>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <InlineStack align="end" gap="200">
            <Button onClick={() => setForm(formFromSettings(saved))} disabled={!dirty || saving}>
              Discard
            </Button>
            <Button id="settings-save" variant="primary" onClick={() => void save()} loading={saving} disabled={!canSave}>
              Save
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
