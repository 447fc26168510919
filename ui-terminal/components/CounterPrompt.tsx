/**
 * The question the counter asks on the way to a dispensing, for the phase on screen: the J000 checks, the cause of
 * an abnormal dispensing, the override reason, or the patient's national ID and why no card was read.
 */
import { abnormalCodeMeaning } from "../../src/domain/abnormal-dispensing.js";
import { checkNationalId } from "../../src/domain/national-id.js";
import type { CardIdentity, Decision } from "../../src/service/types.js";
import type { Confirmed } from "../confirm-steps.js";
import type { Phase } from "../counter-phase.js";
import { L, type Note, useT } from "../i18n.js";
import type { PaperValues } from "../paper-draft.js";
import { CausePicker } from "./CausePicker.js";
import { J000Confirm } from "./J000Confirm.js";
import { PaperForm } from "./PaperForm.js";
import { TextPrompt } from "./TextPrompt.js";

export function CounterPrompt({
  phase,
  setPhase,
  cardId,
  listHeight,
  proceed,
  checkPaper,
  card,
  width,
  onTypedIdentity,
}: {
  phase: Phase;
  setPhase(phase: Phase): void;
  /** The identity the decision on screen was checked with. */
  cardId: string | undefined;
  /** Rows a list question may take. */
  listHeight: number;
  /** One more step confirmed: go to the next question, or dispense. */
  proceed(decision: Decision, confirmed: Confirmed): void;
  /** The paper form's values (and the D024 reason) to check with the service. */
  checkPaper(decision: Decision, values: PaperValues, attempt: number, notUploadedOverride?: { reason: string }): void;
  /** The card at hand (the paper form's patient when present). */
  card: CardIdentity | undefined;
  width: number;
  onTypedIdentity(identity: CardIdentity): void;
}) {
  const { t } = useT();
  if (!("decision" in phase) || !phase.decision) return null;
  const decision = phase.decision;
  // Back to the decision, with the paper entry it was made from (F9 confirms it again).
  const paper = "confirmed" in phase ? phase.confirmed?.paper : undefined;
  const back = () => setPhase({ kind: "decided", decision, cardId, ...(paper ? { confirmed: { paper } } : {}) });
  // Each question is its own TextPrompt (key): what was typed for one never shows in the next.
  const ask = (label: string, error: Note | undefined, onSubmit: (value: string) => void) => (
    <TextPrompt key={phase.kind} label={label} error={error} onCancel={back} onSubmit={onSubmit} />
  );
  // A reason is required: an empty one is said so on the question, and nothing else happens.
  const withReason = (
    value: string,
    asking: Extract<Phase, { kind: "override" | "typed-reason" | "d024" }>,
    go: (reason: string) => void,
  ) => {
    if (value.trim()) go(value.trim());
    else setPhase({ ...asking, error: L.reasonRequired });
  };
  switch (phase.kind) {
    case "paper":
      return (
        <PaperForm
          key={phase.attempt}
          initial={phase.values}
          card={card}
          errors={phase.errors}
          problem={phase.problem}
          width={width}
          onCancel={back}
          onSubmit={(values) => checkPaper(decision, values, phase.attempt)}
        />
      );
    case "d024":
      return ask(t(L.d024Prompt), phase.error, (value) =>
        withReason(value, phase, (reason) => checkPaper(decision, phase.entry.values, 0, { reason })),
      );
    case "j000":
      return <J000Confirm onCancel={back} onConfirm={() => proceed(decision, { ...phase.confirmed, j000: true })} />;
    case "cause":
      return (
        <CausePicker
          initial={phase.confirmed.abnormalCode}
          height={listHeight}
          onCancel={back}
          onPick={(abnormalCode) => proceed(decision, { ...phase.confirmed, abnormalCode })}
        />
      );
    case "override": {
      const code = phase.confirmed.abnormalCode;
      const label = code
        ? t(L.causeReasonPrompt, { cause: `${code} ${t(abnormalCodeMeaning(code))}` })
        : t(L.overridePrompt);
      return ask(label, phase.error, (value) =>
        withReason(value, phase, (reason) => proceed(decision, { ...phase.confirmed, reason })),
      );
    }
    case "typed-id":
      return ask(t(L.typedIdPrompt), phase.error, (value) => {
        const id = checkNationalId(value.trim().toUpperCase());
        if (!id.valid) setPhase({ ...phase, error: id.reason });
        else setPhase({ kind: "typed-reason", decision, nationalId: id.nationalId });
      });
    case "typed-reason":
      return ask(t(L.typedReasonPrompt), phase.error, (value) =>
        withReason(value, phase, (reason) => {
          // Back to the decision; the identity change re-checks it with the typed evidence.
          back();
          onTypedIdentity({ source: "typed", nationalId: phase.nationalId, typedReason: reason });
        }),
      );
    default:
      return null;
  }
}
