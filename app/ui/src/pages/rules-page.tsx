// Rule segments: the list, and an editor (name, key, rule text) with a live size preview and the
// parser's problems; save (PUT /api/rules/:key) and delete.
import { Badge, BlockStack, Button, Card, InlineStack, Layout, Page, Text } from '@shopify/polaris';
import { useState } from 'react';
import type { RuleSegmentView, RulesResponse } from '../../../server/api/api-types.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useApi } from '../api/api.ts';
import { Loaded } from '../components/page-states.tsx';
import { TableCard } from '../components/titled-card.tsx';
import { RuleEditor } from './rule-editor.tsx';

/** The rule being edited: an existing one by key, or a new one. */
type Editing = { kind: 'existing'; key: string } | { kind: 'new'; id: number } | null;

export function RulesPage() {
  const { state, reload, set } = useApi<RulesResponse>('/rules');
  const [editing, setEditing] = useState<Editing>(null);
  return (
    <Loaded title="Rule segments" state={state} reload={reload}>
      {(data) => {
        const selected = editing?.kind === 'existing' ? (data.rules.find((r) => r.key === editing.key) ?? null) : null;
        const onSaved = (saved: RuleSegmentView) => {
          const others = data.rules.filter((r) => r.key !== saved.key);
          set({ ...data, rules: [...others, saved].sort((a, b) => a.name.localeCompare(b.name)) });
          setEditing({ kind: 'existing', key: saved.key });
        };
        const onDeleted = (key: string) => {
          set({ ...data, rules: data.rules.filter((r) => r.key !== key) });
          setEditing(null);
        };
        return (
          <Page
            title="Rule segments"
            subtitle="Segments you define with a rule; they are written back like every other segment."
            primaryAction={{ content: 'New rule segment', onAction: () => setEditing({ kind: 'new', id: Date.now() }) }}
          >
            <Layout>
              <Layout.Section variant="oneThird">
                <RuleList rules={data.rules} selectedKey={selected?.key ?? null} onSelect={(key) => setEditing({ kind: 'existing', key })} />
              </Layout.Section>
              <Layout.Section>
                {editing === null || (editing.kind === 'existing' && !selected) ? (
                  <Card>
                    <div data-testid="rule-editor-placeholder">
                      <BlockStack gap="300" inlineAlign="start">
                        <Text as="h2" variant="headingMd">
                          Edit a rule segment
                        </Text>
                        <Text as="p" tone="subdued">
                          Pick a rule segment on the left, or start a new one. Rules read like Shopify segment queries, for example{' '}
                          <code>amount_spent &gt; 500 AND orders_count &gt;= 3</code>.
                        </Text>
                        <Button onClick={() => setEditing({ kind: 'new', id: Date.now() })}>New rule segment</Button>
                      </BlockStack>
                    </div>
                  </Card>
                ) : (
                  <RuleEditor
                    key={editing.kind === 'existing' ? `rule-${editing.key}` : `new-${editing.id}`}
                    rule={selected}
                    existingKeys={data.rules.map((r) => r.key)}
                    fields={data.fields}
                    onSaved={onSaved}
                    onDeleted={onDeleted}
                    onCancel={() => setEditing(null)}
                  />
                )}
              </Layout.Section>
            </Layout>
          </Page>
        );
      }}
    </Loaded>
  );
}

function RuleList({ rules, selectedKey, onSelect }: { rules: RuleSegmentView[]; selectedKey: string | null; onSelect: (key: string) => void }) {
  return (
    <TableCard testId="rules-list" title="Your rule segments" headerSpace="200">
      {rules.length === 0 ? (
        <div data-testid="rules-empty" style={{ padding: '0 var(--p-space-400) var(--p-space-400)' }}>
          <Text as="p" tone="subdued">
            No rule segments yet.
          </Text>
        </div>
      ) : (
        <ul className="sr-list">
          {rules.map((rule) => (
            <li key={rule.key}>
              <button type="button" className="sr-list-item" aria-current={rule.key === selectedKey ? 'true' : undefined} onClick={() => onSelect(rule.key)} data-testid={`rule-item-${rule.key}`}>
                <BlockStack gap="100">
                  <InlineStack align="space-between" blockAlign="center" wrap={false} gap="200">
                    <Text as="span" fontWeight="semibold">
                      {rule.name}
                    </Text>
                    {rule.size === null ? <Badge>Not run yet</Badge> : <Badge tone="info">{`${formatNumber(rule.size)} people`}</Badge>}
                  </InlineStack>
                  <Text as="span" variant="bodySm" tone="subdued" truncate>
                    {rule.rule}
                  </Text>
                  <Text as="span" variant="bodySm" tone="subdued">
                    {rule.key} · updated {formatDateTime(rule.updatedAt)}
                  </Text>
                </BlockStack>
              </button>
            </li>
          ))}
        </ul>
      )}
    </TableCard>
  );
}
