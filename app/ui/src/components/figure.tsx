// A labelled figure: a small subdued label, the value in a heading size (the element the browser
// tests read, by its test id) and an optional note under it.
import { BlockStack, Text } from '@shopify/polaris';

export function Figure({ label, value, help, testId, size = 'md' }: { label: string; value: string; help?: string; testId?: string; size?: 'md' | 'lg' }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <span data-testid={testId} className="sr-kpi">
        <Text as="span" variant={size === 'lg' ? 'headingLg' : 'headingMd'}>
          {value}
        </Text>
      </span>
      {help !== undefined ? (
        <Text as="span" variant="bodySm" tone="subdued">
          {help}
        </Text>
      ) : null}
    </BlockStack>
  );
}
