/**
 * The cause of an abnormal dispensing, picked from a keyboard list: each code the counter may send (seed 000
 * §異常過卡情境) with its meaning from NHI's table, the suggestion preselected. Enter picks, Esc goes back.
 */
import { useRef, useState } from "react";
import {
  abnormalCodeMeaning,
  COUNTER_ABNORMAL_CODES,
  type CounterAbnormalCode,
  SUGGESTED_ABNORMAL_CODE,
} from "../../src/domain/abnormal-dispensing.js";
import { ABNORMAL_CODES } from "../../src/domain/sequence-number.js";
import { L, useT } from "../i18n.js";
import { passesPrompt, useKeys } from "../key-router.js";
import { List, move } from "./List.js";
import { QuestionBox } from "./QuestionBox.js";

/** A code, its meaning and which column of NHI's table it is in (sequence number obtained or not yet). */
export function causeText(code: CounterAbnormalCode, t: ReturnType<typeof useT>["t"]): string {
  const entry = ABNORMAL_CODES.get(code);
  const paired = entry?.obtained ? t(L.causeObtained) : entry?.pairedWithObtained ? t(L.causeNotObtained) : "";
  return `${code}  ${t(abnormalCodeMeaning(code))}${paired}`;
}

export function CausePicker({
  initial = SUGGESTED_ABNORMAL_CODE,
  height,
  onPick,
  onCancel,
}: {
  initial?: CounterAbnormalCode;
  /** Rows the list may take. */
  height: number;
  onPick(code: CounterAbnormalCode): void;
  onCancel(): void;
}) {
  const { t } = useT();
  const [position, setPositionState] = useState(Math.max(0, COUNTER_ABNORMAL_CODES.indexOf(initial)));
  // A ref as well: keys held down or typed ahead arrive before React re-renders.
  const ref = useRef(position);
  useKeys(2, (e) => {
    if (e.kind === "key") {
      const next = move(e.name, ref.current, COUNTER_ABNORMAL_CODES.length, height);
      if (next !== undefined) {
        ref.current = next;
        setPositionState(next);
      } else if (e.name === "return") onPick(COUNTER_ABNORMAL_CODES[ref.current] ?? SUGGESTED_ABNORMAL_CODE);
      else if (e.name === "escape") onCancel();
    }
    // Everything else is swallowed while the list is open, so nothing happens behind it; F2 (language) and
    // Ctrl+C pass.
    return !passesPrompt(e);
  });
  const rows = COUNTER_ABNORMAL_CODES.map(
    (code) => `${causeText(code, t)}${code === SUGGESTED_ABNORMAL_CODE ? t(L.causeSuggested) : ""}`,
  );
  return (
    <QuestionBox label={t(L.causePrompt)} hints={HINTS_CAUSE}>
      <List rows={rows} height={height} position={position} selectable />
    </QuestionBox>
  );
}

const HINTS_CAUSE = [
  ["↑↓", L.hintSelect],
  ["Enter", L.hintPick],
  ["Esc", L.hintBack],
] as const;
