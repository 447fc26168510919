/**
 * The prescription entered from the paper, field by field: Tab (↓, Enter) to the next field, Shift-Tab (↑) back,
 * F9 checks it with the service. Arriving at a field selects what it holds, so typing replaces a default. Each error stands beside its field, the current field's in full below; nothing
 * is saved until the whole entry holds. Esc goes back to the decision.
 */
import { Box, Text } from "ink";
import { useRef, useState } from "react";
import type { CardIdentity } from "../../src/service/types.js";
import { L, type Note, useT } from "../i18n.js";
import { passesPrompt, useKeys } from "../key-router.js";
import { type PaperField, type PaperValues, paperFields } from "../paper-draft.js";
import { columns, maskId, padTo, truncate } from "../text.js";
import { QuestionBox } from "./QuestionBox.js";

export function PaperForm({
  initial,
  card,
  errors,
  problem,
  width,
  onSubmit,
  onCancel,
}: {
  initial: PaperValues;
  card: CardIdentity | undefined;
  /** The service's (or the form's) error for each field, in words. */
  errors: Partial<Record<PaperField, Note>>;
  /** What is wrong with the entry as a whole (not one field's). */
  problem?: Note;
  width: number;
  onSubmit(values: PaperValues): void;
  onCancel(): void;
}) {
  const { t } = useT();
  const fields = paperFields(card);
  // Refs as well: typed-ahead keys arrive before React re-renders.
  const values = useRef(initial);
  // The cursor is a field's name, not a row: a card put in or pulled meanwhile adds or removes the patient rows.
  const at = useRef<PaperField>(firstError(fields, errors) ?? "m17");
  // A row that went away (the patient's, a card arrived) leaves the cursor on the last row, next to where it was.
  const row = () => (fields.includes(at.current) ? fields.indexOf(at.current) : fields.length - 1);
  const [, render] = useState(0);
  const update = () => render((n) => n + 1);
  const field = fields[row()] ?? "m17";
  // The field the cursor is in now (not at the last render: a Tab and the next field's text may come together).
  const edit = (change: (value: string) => string) => {
    const now = fields[row()] ?? "m17";
    values.current = { ...values.current, [now]: change(values.current[now]) };
    fresh.current = false;
    update();
  };
  // A field just arrived at is selected whole: the first character typed replaces what it held (a default).
  const fresh = useRef(true);
  const go = (step: number) => {
    at.current = fields[Math.max(0, Math.min(fields.length - 1, row() + step))] ?? "m17";
    fresh.current = true;
    update();
  };
  useKeys(2, (e) => {
    if (e.kind === "text") {
      if (fields[row()] !== "chronic") edit((v) => (fresh.current ? e.text : v + e.text));
      else if (/^[yYnN]$/.test(e.text.slice(-1))) edit(() => e.text.slice(-1).toUpperCase());
    } else if (e.kind === "ctrl" && e.letter === "u") edit(() => "");
    else if (e.kind === "key") {
      if (e.name === "backspace") edit((v) => [...v].slice(0, -1).join(""));
      else if (e.name === "tab" || e.name === "down") go(1);
      else if (e.name === "backtab" || e.name === "up") go(-1);
      else if (e.name === "return" && row() < fields.length - 1) go(1);
      else if (e.name === "return" || e.name === "f9") onSubmit(values.current);
      else if (e.name === "escape") onCancel();
    }
    // Everything else is swallowed while the form is open, so nothing happens behind it; F2 (language) and
    // Ctrl+C pass.
    return !passesPrompt(e);
  });
  const labelWidth = Math.max(...fields.map((f) => columns(t(L.paperField[f])))) + 1;
  const inner = width - 4;
  return (
    <QuestionBox label={t(L.paperTitle)} hints={HINTS_PAPER}>
      {card ? (
        <Text wrap="truncate">
          <Text color="gray">{padTo(t(L.patient), labelWidth)}</Text>
          {card.name ?? ""} {maskId(card.nationalId)} <Text color="green">✓ {t(L.paperCardPatient)}</Text>
        </Text>
      ) : null}
      {fields.map((f) => {
        const current = f === field;
        const value = values.current[f];
        const error = errors[f] ? t(errors[f]) : undefined;
        const room = inner - labelWidth - 2 - columns(value) - 1;
        return (
          <Box key={f} height={1} overflow="hidden">
            <Text wrap="truncate">
              <Text color={current ? "cyan" : "gray"} bold={current}>
                {padTo(t(L.paperField[f]), labelWidth)}
              </Text>
              {current ? "▸ " : "  "}
              {current && fresh.current && value ? <Text inverse>{value}</Text> : value}
              {current ? <Text inverse> </Text> : null}
              {error ? <Text color="red"> ✕ {truncate(error, Math.max(0, room - 3))}</Text> : null}
            </Text>
          </Box>
        );
      })}
      <Text color={errors[field] ? "red" : "gray"} wrap="wrap">
        {t(errors[field] ?? problem ?? L.paperFieldHint[field])}
      </Text>
      {problem && errors[field] ? (
        <Text color="red" wrap="wrap">
          {t(problem)}
        </Text>
      ) : null}
    </QuestionBox>
  );
}

function firstError(fields: readonly PaperField[], errors: Partial<Record<PaperField, Note>>) {
  return fields.find((f) => errors[f]);
}

const HINTS_PAPER = [
  ["Tab/↓", L.paperHintNext],
  ["Shift-Tab/↑", L.paperHintPrevious],
  ["F9", L.paperHintCheck],
  ["Esc", L.hintBack],
] as const;
