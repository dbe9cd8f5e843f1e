// Cards with a heading, shared by the pages: a card whose content is stacked under an h2 (with a
// badge or short note on the right), a card that holds a table edge to edge under the same
// heading, and a subsection with an h3 inside a card.
import { BlockStack, Card, InlineStack, Text, type BlockStackProps } from '@shopify/polaris';
import type { ReactNode } from 'react';

type Gap = BlockStackProps['gap'];

/** Extra attributes of the wrapper that carries the test id (after it, in this order). */
type WrapperAttributes = { className?: string } & { [name: `data-${string}`]: string | undefined };

/**
 * The h2 of a card. With `aside` (even `null`) the heading sits in a row with it on the right, so a
 * card keeps the same row whether or not its badge is shown; without it the heading stands alone.
 */
function CardHeading({ title, aside }: { title: ReactNode; aside?: ReactNode }) {
  const heading = (
    <Text as="h2" variant="headingMd">
      {title}
    </Text>
  );
  if (aside === undefined) return heading;
  return (
    <InlineStack align="space-between" blockAlign="center">
      {heading}
      {aside}
    </InlineStack>
  );
}

function CardSubtitle({ children }: { children: ReactNode }) {
  return (
    <Text as="p" tone="subdued" variant="bodySm">
      {children}
    </Text>
  );
}

/** The card's content inside `<div data-testid>` when it has a test id, as it is otherwise. */
function TestIdWrapper({ testId, attributes, children }: { testId?: string; attributes?: WrapperAttributes; children: ReactNode }) {
  if (testId === undefined) return <>{children}</>;
  return (
    <div data-testid={testId} {...attributes}>
      {children}
    </div>
  );
}

export interface TitledCardProps {
  /** data-testid of the wrapper around the content; no wrapper without it. */
  testId?: string;
  /** More attributes of that wrapper (e.g. `data-run-id`). */
  attributes?: WrapperAttributes;
  title: ReactNode;
  /** Right of the title, usually a badge; `null` keeps the row empty (see CardHeading). */
  aside?: ReactNode;
  /** A short subdued line under the title. */
  subtitle?: ReactNode;
  /** Space between the heading and each part of the content. */
  gap?: Gap;
  children?: ReactNode;
}

/** A card: the heading (and subtitle), then the content, stacked with `gap` between them. */
export function TitledCard({ testId, attributes, title, aside, subtitle, gap = '300', children }: TitledCardProps) {
  return (
    <Card>
      <TestIdWrapper testId={testId} attributes={attributes}>
        <BlockStack gap={gap}>
          <CardHeading title={title} aside={aside} />
          {subtitle !== undefined ? <CardSubtitle>{subtitle}</CardSubtitle> : null}
          {children}
        </BlockStack>
      </TestIdWrapper>
    </Card>
  );
}

export interface TableCardProps {
  testId?: string;
  /** No heading without a title: the table fills the card. */
  title?: ReactNode;
  aside?: ReactNode;
  subtitle?: ReactNode;
  /**
   * Space between the heading and the table: none for a DataTable (its cells have their own
   * padding), '200' for an IndexTable or a list.
   */
  headerSpace?: '0' | '200';
  children: ReactNode;
}

/** A card without padding around a table (or a list), under a padded heading. */
export function TableCard({ testId, title, aside, subtitle, headerSpace = '0', children }: TableCardProps) {
  const below = headerSpace === '0' ? '0' : `var(--p-space-${headerSpace})`;
  return (
    <Card padding="0">
      <TestIdWrapper testId={testId}>
        {title !== undefined ? (
          <div style={{ padding: `var(--p-space-400) var(--p-space-400) ${below}` }}>
            <CardHeading title={title} aside={aside} />
            {subtitle !== undefined ? <CardSubtitle>{subtitle}</CardSubtitle> : null}
          </div>
        ) : null}
        {children}
      </TestIdWrapper>
    </Card>
  );
}

/** A part of a card under an h3. */
export function TitledSection({ testId, title, gap = '100', children }: { testId?: string; title: ReactNode; gap?: Gap; children: ReactNode }) {
  return (
    <TestIdWrapper testId={testId}>
      <BlockStack gap={gap}>
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        {children}
      </BlockStack>
    </TestIdWrapper>
  );
}
