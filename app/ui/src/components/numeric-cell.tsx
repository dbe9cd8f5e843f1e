// A number in an IndexTable row: right-aligned, with tabular figures, under an `alignment: 'end'`
// heading.
import { IndexTable, Text, type TextProps } from '@shopify/polaris';
import type { ReactNode } from 'react';

export function NumericCell({ tone, children }: { tone?: TextProps['tone']; children: ReactNode }) {
  return (
    <IndexTable.Cell>
      <Text as="span" alignment="end" numeric tone={tone}>
        {children}
      </Text>
    </IndexTable.Cell>
  );
}
