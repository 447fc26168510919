/**
 * J000 (the original sequence number of a refill 2+ is unknown) may be used only after the pharmacist has checked
 * the NHI cloud medication record and asked the prescribing clinic (seed 004 §三(四)6). Each check is its own
 * key; Enter goes on only when both are ticked, Esc goes back to the decision.
 */
import { Text } from "ink";
import { useRef, useState } from "react";
import { L, useT } from "../i18n.js";
import { passesPrompt, useKeys } from "../key-router.js";
import { QuestionBox } from "./QuestionBox.js";

export function J000Confirm({ onConfirm, onCancel }: { onConfirm(): void; onCancel(): void }) {
  const { t } = useT();
  const [checks, setChecksState] = useState({ cloud: false, clinic: false });
  // A ref as well: keys typed in one burst (1, 2, Enter) arrive before React re-renders.
  const ref = useRef(checks);
  const [error, setError] = useState(false);
  useKeys(2, (e) => {
    if (e.kind === "text" && /^[12]+$/.test(e.text)) {
      for (const ch of e.text) {
        const key = ch === "1" ? "cloud" : "clinic";
        ref.current = { ...ref.current, [key]: !ref.current[key] };
      }
      setChecksState(ref.current);
      setError(false);
    } else if (e.kind === "key" && e.name === "return") {
      if (ref.current.cloud && ref.current.clinic) onConfirm();
      else setError(true);
    } else if (e.kind === "key" && e.name === "escape") onCancel();
    // Everything else is swallowed while the question is open, so nothing happens behind it; F2 (language) and
    // Ctrl+C pass.
    return !passesPrompt(e);
  });
  const box = (on: boolean) => (on ? "[✓]" : "[ ]");
  return (
    <QuestionBox label={t(L.j000Prompt)} hints={HINTS_J000}>
      <Text wrap="wrap" color={checks.cloud ? "green" : undefined}>
        {box(checks.cloud)} 1 {t(L.j000CloudChecked)}
      </Text>
      <Text wrap="wrap" color={checks.clinic ? "green" : undefined}>
        {box(checks.clinic)} 2 {t(L.j000ClinicAsked)}
      </Text>
      {error ? (
        <Text color="red" bold wrap="wrap">
          {t(L.j000BothRequired)}
        </Text>
      ) : null}
    </QuestionBox>
  );
}

const HINTS_J000 = [
  ["1", L.j000HintCloud],
  ["2", L.j000HintClinic],
  ["Enter", L.hintConfirm],
  ["Esc", L.hintBack],
] as const;
