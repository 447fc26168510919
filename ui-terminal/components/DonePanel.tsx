/** The dispensing just made: refill and our visit ID, the next refill's window, and the reminder slip (F8). */
import { Box, Text } from "ink";
import { isCounterAbnormalCode } from "../../src/domain/abnormal-dispensing.js";
import { paperCauseText } from "../../src/domain/paper-text.js";
import type { Phase } from "../counter-phase.js";
import { L, useT } from "../i18n.js";
import { rocDate } from "../text.js";
import { causeText } from "./CausePicker.js";

export function DonePanel({
  phase,
  width,
  dim,
}: {
  phase: Extract<Phase, { kind: "done" }>;
  width: number;
  dim: boolean;
}) {
  const { t } = useT();
  const d = phase.result.dispensing;
  const next = phase.result.nextRefill;
  const p = phase.decision.prescription;
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={dim ? "gray" : "green"} paddingX={1} width={width}>
      <Text color={dim ? "gray" : "green"} bold wrap="wrap">
        ✓ {t(L.dispensed, { n: d.refillNo, visitId: d.visitId })}
      </Text>
      {p ? (
        <Text wrap="wrap">
          {p.patientName ?? ""} {p.nationalId} · {d.days}d
        </Text>
      ) : null}
      {d.paperEntry ? (
        <Text color="yellow" wrap="wrap">
          ! {t(L.donePaper, { cause: t(paperCauseText(d.paperEntry)) })}
        </Text>
      ) : null}
      {d.abnormalCode ? (
        <Text color="yellow" wrap="wrap">
          !{" "}
          {t(L.doneAbnormal, {
            cause: isCounterAbnormalCode(d.abnormalCode) ? causeText(d.abnormalCode, t) : d.abnormalCode,
          })}
        </Text>
      ) : null}
      {d.override ? (
        <Text color="yellow" wrap="wrap">
          ! {d.override.reason}
        </Text>
      ) : null}
      {d.j000 ? (
        <Text color="yellow" wrap="wrap">
          ! {t(L.doneJ000)}
        </Text>
      ) : null}
      {next ? (
        <Text bold wrap="wrap">
          {t(L.nextRefill, { n: next.refillNo, from: rocDate(next.window.from), to: rocDate(next.window.to) })}
        </Text>
      ) : (
        <Text>{t(L.lastRefill)}</Text>
      )}
      {next ? (
        <Text>
          <Text inverse> F8 </Text> {t(L.slipKey).replace(/^F8\s*/, "")}
        </Text>
      ) : null}
      {phase.slip ? (
        <Text color="green" wrap="wrap">
          {t(L.slipWritten, { path: phase.slip })}
        </Text>
      ) : null}
      {phase.slipError ? (
        <Text color="red" wrap="wrap">
          {t(phase.slipError)}
        </Text>
      ) : null}
    </Box>
  );
}
