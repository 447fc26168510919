/** The line under the scan field: what to do next, or why not, for the counter's current phase. */
import { Text } from "ink";
import { describeCorrections } from "../../src/domain/visit-id.js";
import type { Phase } from "../counter-phase.js";
import { L, useT } from "../i18n.js";
import { outcomeStyle } from "./DecisionPanel.js";

/** The decision on screen answered the previous input: say so instead of showing it as if it still held. */
export function PausedLine({ phase }: { phase: Extract<Phase, { kind: "decided" } | { kind: "refused" }> }) {
  const { t } = useT();
  const visitId = phase.decision?.originalVisitId ?? phase.decision?.input ?? "";
  return (
    <Text color="yellow" wrap="wrap">
      {t(L.decisionPaused, { visitId })}
    </Text>
  );
}

export function PhaseLine({ phase }: { phase: Phase }) {
  const { t } = useT();
  switch (phase.kind) {
    case "idle":
      return (
        <Text color="gray" wrap="wrap">
          {t(L.scanHint)}
        </Text>
      );
    case "checking":
      return <Text color="cyan">{t(L.checking)}</Text>;
    case "dispensing":
      return <Text color="cyan">{t(L.dispensing)}</Text>;
    case "invalid":
      return (
        <Text color="red" bold wrap="wrap">
          ✕ {t(phase.message)}
        </Text>
      );
    case "error":
      return (
        <Text color="red" bold wrap="wrap">
          ✕ {t(phase.text)}
        </Text>
      );
    case "decided": {
      const hint =
        phase.decision.outcome === "block" && phase.decision.paperEntry
          ? t(L.paperKey)
          : phase.decision.outcome === "dispense"
            ? t(L.confirmKey)
            : phase.decision.outcome === "override"
              ? t(L.overrideKey)
              : phase.decision.outcome === "card-needed"
                ? t(L.cardNeededKey)
                : "";
      const corrected = phase.decision.corrections.length > 0 ? t(describeCorrections(phase.decision.corrections)) : "";
      const note = phase.note ? t(phase.note) : "";
      return (
        <Text wrap="wrap">
          {hint ? (
            <Text
              inverse
              bold
              color={phase.decision.paperEntry ? "yellow" : outcomeStyle(phase.decision.outcome).color}
            >
              {` ${hint} `}
            </Text>
          ) : null}
          {note ? <Text color="red"> {note}</Text> : null}
          {corrected ? <Text color="yellow"> {corrected}</Text> : null}
        </Text>
      );
    }
    case "paper":
      return null; // the form's own title says what is entered
    case "d024":
      return (
        <Text color="yellow" wrap="wrap">
          {t(L.paperKey).replace(/^F9\s*/, "")} {phase.decision.originalVisitId ?? phase.decision.input}
        </Text>
      );
    case "j000":
    case "cause":
    case "override": {
      // The decision box gives way to the questions (J000, cause, reason): name what is being confirmed here.
      const p = phase.decision.prescription;
      const who = p ? ` ${p.patientName ?? ""} ${p.nationalId}` : "";
      return (
        <Text color="yellow" wrap="wrap">
          {phase.decision.outcome === "override" ? t(L.overrideKey) : t(L.confirmKey)}
          {`${who} ${phase.decision.originalVisitId ?? phase.decision.input}`}
        </Text>
      );
    }
    case "refused":
      return (
        <Text color="red" bold>
          {t(L.dispenseRefused)}
        </Text>
      );
    case "done":
      return (
        <Text color="gray" wrap="wrap">
          {t(L.scanHint)}
        </Text>
      );
  }
}
