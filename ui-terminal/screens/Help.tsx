import { Box, Text } from "ink";
import { HELP_LINES, L, useT } from "../i18n.js";

export function Help({ notice }: { notice?: string }) {
  const { t } = useT();
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">
        {t(L.help)}
      </Text>
      {HELP_LINES.map((line) => (
        <Text key={line.en} wrap="wrap">
          · {t(line)}
        </Text>
      ))}
      {notice ? <Text color="yellow">{notice}</Text> : null}
    </Box>
  );
}
