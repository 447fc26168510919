import { Box, Text } from "ink";
import type { Message } from "../../src/domain/message.js";
import { useT } from "../i18n.js";

export type Hint = readonly [key: string, label: Message];

/** The keys that work on this screen, the key itself shown inverse: `F9 確認調劑`. */
export function KeyHints({ hints }: { hints: readonly Hint[] }) {
  const { t } = useT();
  return (
    <Box height={1} overflow="hidden">
      <Text wrap="truncate">
        {hints.map(([key, label], i) => (
          <Text key={key}>
            {i > 0 ? " " : ""}
            <Text inverse>{key}</Text>
            {t(label)}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
