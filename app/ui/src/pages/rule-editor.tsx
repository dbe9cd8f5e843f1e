// The editor of one rule segment: name, key (fixed once saved), rule text with a live size
// preview (debounced POST /api/rules/preview), the parser's problems with line, column and
// suggestion; save (PUT /api/rules/:key, 422 with problems) and delete (after a confirmation).
import { Banner, BlockStack, Box, Button, Collapsible, DataTable, FormLayout, InlineStack, Modal, Spinner, Text, TextField } from '@shopify/polaris';
import { useState } from 'react';
import type { RuleProblem, RuleSaveRequest, RuleSegmentView, RulesResponse } from '../../../server/api/api-types.ts';
import { ApiRequestError, errorMessage } from '../../lib/api-client.ts';
import { formatNumber, formatPercent } from '../../lib/format.ts';
import { checkSegmentKey, describeProblem, slugify, type RulePreviewState } from '../../lib/rule-preview.ts';
import { api } from '../api/api.ts';
import { useRulePreview } from '../api/use-rule-preview.ts';
import { TitledCard } from '../components/titled-card.tsx';
import { useToast } from '../components/toast.tsx';

export interface RuleEditorProps {
  rule: RuleSegmentView | null;
  existingKeys: string[];
  fields: RulesResponse['fields'];
  onSaved(rule: RuleSegmentView): void;
  onDeleted(key: string): void;
  onCancel(): void;
}

/** Problems a rejected save carries: `{ problems }`, `{ error: { problems } }` or field issues. */
function problemsOf(error: unknown): RuleProblem[] {
  if (!(error instanceof ApiRequestError)) return [];
  const body = error.body as { problems?: unknown; error?: { problems?: unknown } } | null;
  const problems = body?.problems ?? body?.error?.problems;
  return Array.isArray(problems) ? (problems as RuleProblem[]) : [];
}

export function RuleEditor({ rule, existingKeys, fields, onSaved, onDeleted, onCancel }: RuleEditorProps) {
  const toast = useToast();
  const isNew = rule === null;
  const [name, setName] = useState(rule?.name ?? '');
  const [key, setKey] = useState(rule?.key ?? '');
  const [keyTouched, setKeyTouched] = useState(!isNew);
  const [text, setText] = useState(rule?.rule ?? '');
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [saveError, setSaveError] = useState<{ message: string; problems: RuleProblem[]; issues: Record<string, string> } | null>(null);
  const [showFields, setShowFields] = useState(false);
  const preview = useRulePreview(text);

  const effectiveKey = keyTouched ? key : slugify(name);
  const keyError = isNew ? (checkSegmentKey(effectiveKey) ?? (existingKeys.includes(effectiveKey) ? 'A rule segment with this key exists already.' : null)) : null;
  const nameError = name.trim() === '' ? 'A name is required.' : null;
  const canSave = !nameError && !keyError && text.trim() !== '' && preview.status !== 'invalid';

  async function save() {
    setSaving(true);
    setSaveError(null);
    try {
      const body: RuleSaveRequest = { name: name.trim(), rule: text };
      const saved = await api.put<RuleSegmentView>(`/rules/${encodeURIComponent(effectiveKey)}`, body);
      toast(`Saved ${saved.name}`);
      onSaved(saved);
    } catch (error) {
      const issues: Record<string, string> = {};
      if (error instanceof ApiRequestError) for (const issue of error.issues) issues[issue.path] = issue.message;
      setSaveError({ message: errorMessage(error), problems: problemsOf(error), issues });
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    if (!rule) return;
    setDeleting(true);
    try {
      await api.delete(`/rules/${encodeURIComponent(rule.key)}`);
      toast(`Deleted ${rule.name}`);
      setConfirmDelete(false);
      onDeleted(rule.key);
    } catch (error) {
      toast(`Not deleted: ${errorMessage(error)}`, { error: true });
    } finally {
      setDeleting(false);
    }
  }

  return (
    <>
      <TitledCard testId="rule-editor" attributes={{ 'data-mode': isNew ? 'new' : 'edit', className: 'sr-rule-editor' }} title={isNew ? 'New rule segment' : `Edit ${rule.name}`} gap="400">
        {saveError ? (
          <div data-testid="rule-save-error">
            <Banner tone="critical" title="The rule segment was not saved" onDismiss={() => setSaveError(null)}>
              <p>{saveError.message}</p>
            </Banner>
          </div>
        ) : null}
        <FormLayout>
          <FormLayout.Group>
            <TextField id="rule-name" label="Name" value={name} onChange={setName} autoComplete="off" error={saveError?.issues['name'] ?? (name === '' ? undefined : (nameError ?? undefined))} />
            <TextField
              id="rule-key"
              label="Key"
              value={effectiveKey}
              onChange={(value) => {
                setKeyTouched(true);
                setKey(value);
              }}
              disabled={!isNew}
              autoComplete="off"
              helpText={isNew ? 'Used in the tag and list names; cannot be changed later.' : 'The key of a saved segment cannot change.'}
              error={saveError?.issues['key'] ?? (effectiveKey === '' ? undefined : (keyError ?? undefined))}
            />
          </FormLayout.Group>
          <TextField
            id="rule-text"
            label="Rule"
            value={text}
            onChange={setText}
            multiline={4}
            monospaced
            autoComplete="off"
            placeholder="amount_spent > 500 AND product_types CONTAINS 'Kitchen'"
            error={saveError?.issues['rule']}
            labelAction={{ content: showFields ? 'Hide fields' : 'Show fields', onAction: () => setShowFields((v) => !v) }}
          />
        </FormLayout>
        <Collapsible id="rule-fields" open={showFields}>
          <div data-testid="rule-fields">
            <DataTable columnContentTypes={['text', 'text', 'text']} headings={['Field', 'Type', 'Meaning']} rows={fields.map((f) => [<code key={f.name}>{f.name}</code>, f.type, f.description])} />
          </div>
        </Collapsible>
        <PreviewBox state={preview} extraProblems={saveError?.problems ?? []} />
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200">
            {!isNew ? (
              <Button tone="critical" variant="secondary" onClick={() => setConfirmDelete(true)}>
                Delete
              </Button>
            ) : null}
          </InlineStack>
          <InlineStack gap="200">
            <Button onClick={onCancel}>Cancel</Button>
            <Button variant="primary" onClick={() => void save()} loading={saving} disabled={!canSave}>
              Save rule
            </Button>
          </InlineStack>
        </InlineStack>
      </TitledCard>
      {rule ? (
        <Modal
          open={confirmDelete}
          onClose={() => setConfirmDelete(false)}
          title={`Delete ${rule.name}?`}
          primaryAction={{ content: 'Delete rule segment', destructive: true, loading: deleting, onAction: () => void remove() }}
          secondaryActions={[{ content: 'Cancel', onAction: () => setConfirmDelete(false) }]}
        >
          <Modal.Section>
            <Text as="p">Its tags, Shopify segment and HubSpot list are removed on the next sync. This cannot be undone.</Text>
          </Modal.Section>
        </Modal>
      ) : null}
    </>
  );
}

function PreviewBox({ state, extraProblems }: { state: RulePreviewState; extraProblems: RuleProblem[] }) {
  const problems = state.status === 'invalid' ? state.problems : extraProblems;
  return (
    <div data-testid="rule-preview" data-status={state.status} aria-live="polite">
      <Box background="bg-surface-secondary" padding="300" borderRadius="200">
        <BlockStack gap="200">
          {state.status === 'idle' ? (
            <Text as="p" tone="subdued">
              Write a rule to see how many people it selects.
            </Text>
          ) : null}
          {state.status === 'pending' || state.status === 'loading' ? (
            <InlineStack gap="200" blockAlign="center">
              <Spinner size="small" accessibilityLabel="Previewing" />
              <Text as="span" tone="subdued">
                Counting matching people…
              </Text>
            </InlineStack>
          ) : null}
          {state.status === 'ok' ? (
            <Text as="p">
              <span data-testid="rule-preview-size">
                <Text as="span" fontWeight="bold">
                  {formatNumber(state.size)}
                </Text>
              </span>{' '}
              {state.size === 1 ? 'person matches' : 'people match'} ({formatPercent(state.share)} of the store) on the latest data.
            </Text>
          ) : null}
          {state.status === 'error' ? (
            <Text as="p" tone="critical">
              Preview failed: {state.message}
            </Text>
          ) : null}
          {problems.length > 0 ? (
            <div data-testid="rule-problems">
              <BlockStack gap="100">
                <Text as="p" tone="critical" fontWeight="semibold">
                  {problems.length === 1 ? 'The rule has a problem' : `The rule has ${problems.length} problems`}
                </Text>
                {problems.map((p, i) => (
                  <div key={`${p.line}:${p.column}:${i}`} data-testid="rule-problem" data-line={p.line} data-column={p.column}>
                    <Text as="p" tone="critical" variant="bodySm">
                      {describeProblem(p)}
                    </Text>
                  </div>
                ))}
              </BlockStack>
            </div>
          ) : null}
        </BlockStack>
      </Box>
    </div>
  );
}
