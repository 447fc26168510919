/**
 * From the paper form to a decision the counter can confirm: the form's values are checked by the service
 * (`checkPaper`, nothing written); field errors go back to the form beside their fields, D024 on a chronic refill
 * 2+ asks for the override reason, and an entry that holds becomes a decision with the paper attached, which F9
 * confirms like a scan's (J000 checks, cause, reason) and `dispensePaper` records.
 */
import { type Message, msg } from "../src/domain/message.js";
import type {
  CardIdentity,
  Decision,
  DispensingServiceApi,
  PaperCheckResult,
  PaperPrescription,
} from "../src/service/types.js";
import type { Phase } from "./counter-phase.js";
import { joinMessages } from "./i18n.js";
import { formField, type PaperField, type PaperValues, paperFromValues } from "./paper-draft.js";

/** A paper entry that holds, on its way to the dispensing. */
export interface PaperEntry {
  /** The scan's decision that offered the paper form (the form again starts from it). */
  scan: Decision;
  values: PaperValues;
  paper: PaperPrescription;
  /** The patient: the card at hand, or the ID typed from the paper with a reason. */
  card: CardIdentity;
  notUploadedOverride?: { reason: string };
}

// Short: the big words (可調劑 / 需覆核才可調劑) stand beside it, the reasons say the rest.
const HEADLINES = {
  dispense: msg("依紙本輸入", "entered from the paper"),
  override: msg("依紙本輸入，健保署斷線", "from the paper, NHI offline"),
};

/** Checks the form with the service; resolves with the phase to show next. */
export async function checkPaperEntry(
  service: DispensingServiceApi,
  input: {
    decision: Decision;
    values: PaperValues;
    card: CardIdentity | undefined;
    notUploadedOverride?: { reason: string };
    attempt: number;
  },
): Promise<Phase> {
  const { decision, values, attempt } = input;
  // Errors stay messages in both languages: F2 switches them on the form.
  const back = (errors: Partial<Record<PaperField, Message>>, problem?: Message): Phase => ({
    kind: "paper",
    decision,
    values,
    errors,
    problem,
    attempt: attempt + 1,
  });
  const parsed = paperFromValues(values, input.card);
  if (!parsed.ok) {
    return back(parsed.errors);
  }
  const card: CardIdentity = input.card ?? { source: "typed", ...parsed.typed! };
  const entry: PaperEntry = {
    scan: decision,
    values,
    paper: parsed.paper,
    card,
    notUploadedOverride: input.notUploadedOverride,
  };
  const result = await service.checkPaper({
    paper: entry.paper,
    card,
    ...(entry.notUploadedOverride ? { notUploadedOverride: entry.notUploadedOverride } : {}),
  });
  if (result.ok) return { kind: "decided", decision: paperDecision(entry, result), confirmed: { paper: entry } };
  if (result.reasons.some((r) => r.code === "not-uploaded-later-refill") && !entry.notUploadedOverride) {
    return { kind: "d024", decision, entry };
  }
  const errors: Partial<Record<PaperField, Message>> = {};
  const rest: Message[] = [];
  for (const r of result.reasons) {
    const field = formField(r.field);
    if (field && !errors[field]) errors[field] = r.message;
    else rest.push(r.message);
  }
  return back(errors, rest.length > 0 ? joinMessages(rest) : undefined);
}

/** The checked paper entry as a decision the counter shows and confirms. */
function paperDecision(entry: PaperEntry, result: Extract<PaperCheckResult, { ok: true }>): Decision {
  return {
    input: entry.paper.originalVisitId,
    originalVisitId: entry.paper.originalVisitId,
    corrections: [],
    outcome: result.outcome,
    refillNo: result.refillNo,
    prescription: result.prescription,
    reasons: result.reasons,
    headline: HEADLINES[result.outcome],
    nhiReachable: result.outcome !== "override",
    checkedAt: new Date().toISOString(),
    paperEntry: result.cause,
    evidence: { source: entry.card.source, nationalId: entry.card.nationalId },
  };
}
