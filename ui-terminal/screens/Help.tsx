import { Box, Text } from "ink";
import type { Message } from "../../src/domain/message.js";
import { formatVisitIdGrouped } from "../../src/domain/visit-id.js";
import { HELP_LINES, L, useT } from "../i18n.js";
import { truncate } from "../text.js";

/** A demo prescription seeded in the NHI sandbox, listed so a first-time user has something to scan. */
export interface DemoCase {
  originalVisitId: string;
  patientName: string;
  description: Message;
}

export function Help({
  notice,
  demoCases = [],
  width = 80,
}: {
  notice?: string;
  demoCases?: DemoCase[];
  width?: number;
}) {
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
      {demoCases.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>{t(L.demoCases)}</Text>
          {demoCases.map((c) => (
            <Text key={c.originalVisitId}>
              {truncate(`${formatVisitIdGrouped(c.originalVisitId)}  ${c.patientName}  ${t(c.description)}`, width - 1)}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
