import { Box, Text } from "ink";
import type { DemoCase } from "../../src/demo/cases.js";
import { formatVisitIdGrouped } from "../../src/domain/visit-id.js";
import { HELP_LINES, L, useT } from "../i18n.js";

export type { DemoCase };

export function Help({ notice, demoCases = [] }: { notice?: string; demoCases?: DemoCase[] }) {
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
          <Text bold wrap="wrap">
            {t(L.demoCases)}
          </Text>
          {demoCases.map((c) => (
            <Box key={c.visitId} flexDirection="column">
              <Text wrap="wrap">
                {formatVisitIdGrouped(c.visitId)} <Text bold>{c.patientName}</Text>{" "}
                <Text color="cyan">--profile {c.cardProfile}</Text>
              </Text>
              <Box paddingLeft={2}>
                <Text wrap="wrap">
                  <Text color="gray">{c.scenario}</Text> {t(c.description)}
                </Text>
              </Box>
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
