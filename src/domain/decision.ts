/**
 * The dispensing decision (可否調劑): from the scanned visit ID, the card, our own dispensings and NHI's
 * prescription status to "dispense refill n", "override" (NHI unreachable: pharmacist must give a reason) or
 * "block", with reasons a pharmacist understands. Pure: the service gathers the facts, this decides.
 */
import type { Decision } from "./decision-result.js";
import type { CardIdentity } from "./identity.js";
import { MAX_TOTAL_DAYS } from "./limits.js";
import { msg } from "./message.js";
import type { PrescriptionOrder, PrescriptionStatus, PrescriptionStatusResult } from "./prescription.js";
import type { PrescriptionView, RefillView } from "./prescription-view.js";
import { reason } from "./reason-text.js";
import type { DecisionReason } from "./reasons.js";
import {
  exceedsTotalDays,
  laterDispensed,
  nextRefill,
  type RefillFact,
  totalDays,
  windowFor,
  windowPosition,
} from "./refill-rules.js";
import type { RocDate, RocDateTime } from "./roc-date.js";
import { describeCorrections, type VisitIdParseResult } from "./visit-id.js";

/** One of our own active dispensings of the prescription. */
export interface LocalDispensingFact {
  refillNo: number;
  visitId: string;
  visitDateTime: RocDateTime;
  pharmacistId: string;
  days: number;
}

export type NhiFacts =
  /** NHI answered now. */
  | { reachable: true; result: PrescriptionStatusResult }
  /** NHI could not be reached; `cached` is the last status we stored, if any. */
  | { reachable: false; cached?: PrescriptionStatus; cachedAt?: string };

export interface DecisionInput {
  parsed: VisitIdParseResult;
  /** The identity evidence at hand: card read here, verified virtual card, or typed from the paper with a reason. */
  card?: CardIdentity;
  now: Date;
  today: RocDate;
  pharmacyCode: string;
  nhi: NhiFacts;
  /** Our active dispensings for this original visit ID. */
  local: readonly LocalDispensingFact[];
  /** Visit IDs (M15) of our deleted dispensings: NHI may still list them until the D upload lands. */
  deletedVisitIds?: readonly string[];
  /** The prescription's patient's name as we know it (never the card holder's, who may be someone else). */
  patientName?: string;
  /** Names of institutions we know (for "dispensed at …"). */
  institutionName?: (code: string) => string | undefined;
}

/** Merges our active dispensings with NHI's per-refill status. */
export function refillFacts(
  status: PrescriptionStatus,
  local: readonly LocalDispensingFact[],
  pharmacyCode: string,
  deletedVisitIds: readonly string[] = [],
): RefillFact[] {
  const facts: RefillFact[] = [];
  for (let n = 1; n <= status.refillCount; n++) {
    const mine = local.find((d) => d.refillNo === n);
    if (mine) {
      facts.push({
        refillNo: n,
        state: "dispensed",
        dispensedHere: true,
        dispensedBy: pharmacyCode,
        dispensedAt: mine.visitDateTime,
        pharmacistId: mine.pharmacistId,
        days: mine.days,
      });
      continue;
    }
    const remote = status.refills.find((r) => r.refillNo === n);
    if (!remote) {
      facts.push({ refillNo: n, state: "undispensed" });
      continue;
    }
    const ourDeleted =
      remote.state === "dispensed" &&
      remote.dispensedBy === pharmacyCode &&
      (remote.dispensedVisitId === undefined || deletedVisitIds.includes(remote.dispensedVisitId));
    if (ourDeleted) {
      facts.push({ refillNo: n, state: "undispensed", restored: remote.restored });
      continue;
    }
    facts.push({
      refillNo: n,
      state: remote.state,
      restored: remote.restored,
      dispensedHere: remote.state === "dispensed" && remote.dispensedBy === pharmacyCode,
      dispensedBy: remote.dispensedBy,
      dispensedAt: remote.dispensedAt,
      days: remote.days ?? (remote.state === "dispensed" ? status.daysPerRefill : undefined),
    });
  }
  return facts;
}

export function prescriptionView(
  status: PrescriptionStatus,
  facts: readonly RefillFact[],
  patientName?: string,
): PrescriptionView {
  const refills: RefillView[] = facts.map((f) => {
    const view: RefillView = { refillNo: f.refillNo, state: f.state };
    if (f.restored) view.restored = true;
    if (f.dispensedBy) view.dispensedBy = f.dispensedBy;
    const remote = f.dispensedHere ? undefined : status.refills.find((r) => r.refillNo === f.refillNo);
    if (remote?.dispensedByName && remote.dispensedBy === f.dispensedBy) view.dispensedByName = remote.dispensedByName;
    if (f.dispensedAt) view.dispensedAt = f.dispensedAt;
    if (f.state === "dispensed") view.dispensedHere = f.dispensedHere === true;
    if (f.pharmacistId) view.pharmacistId = f.pharmacistId;
    if (f.days) view.days = f.days;
    const w = windowFor(facts, f.refillNo);
    if (w && f.state !== "dispensed") view.window = w;
    return view;
  });
  const view: PrescriptionView = {
    originalVisitId: status.originalVisitId,
    prescriberInstitutionCode: status.prescriberInstitutionCode,
    originalVisitDateTime: status.originalVisitDateTime,
    nationalId: status.nationalId,
    chronic: status.chronic,
    refillCount: status.refillCount,
    daysPerRefill: status.daysPerRefill,
    orders: status.orders.map((o): PrescriptionOrder => ({ ...o })),
    refills,
  };
  if (status.prescriberName) view.prescriberName = status.prescriberName;
  if (status.originalSequenceNumber) view.originalSequenceNumber = status.originalSequenceNumber;
  if (status.totalDays !== undefined) view.totalDays = status.totalDays;
  if (patientName) view.patientName = patientName;
  return view;
}

const HEADLINES = {
  dispense: (n: number, chronic: boolean) =>
    chronic ? msg(`可調劑：慢箋第${n}次`, `OK to dispense: refill ${n}`) : msg("可調劑", "OK to dispense"),
  override: msg("健保署連線中斷：須藥師確認並填寫理由", "NHI unreachable: pharmacist override with a reason required"),
  cardNeeded: msg(
    "需健保卡：請插入健保卡或掃描虛擬健保卡",
    "Card needed: insert the NHI card or scan the virtual card",
  ),
  block: msg("不可調劑", "Do not dispense"),
};

/** A refill that was dispensed already, as the reason a request for it again is refused (a duplicate stopped). */
export function alreadyDispensed(
  fact: Pick<RefillFact, "refillNo" | "dispensedHere" | "dispensedBy" | "dispensedAt" | "pharmacistId">,
  institutionName?: (code: string) => string | undefined,
): DecisionReason {
  if (fact.dispensedHere) {
    return reason("dispensed-here", "block", {
      refillNo: fact.refillNo,
      at: fact.dispensedAt,
      pharmacistId: fact.pharmacistId,
    });
  }
  const code = fact.dispensedBy ?? "?";
  const name = fact.dispensedBy ? institutionName?.(fact.dispensedBy) : undefined;
  const where = name ? `${name} ${code}` : code;
  return reason("dispensed-elsewhere", "block", { refillNo: fact.refillNo, where, at: fact.dispensedAt }, "D025");
}

export function decide(input: DecisionInput): Decision {
  const { parsed } = input;
  const reasons: DecisionReason[] = [];
  const base: Pick<Decision, "input" | "corrections" | "nhiReachable" | "checkedAt" | "evidence"> = {
    input: parsed.input,
    corrections: parsed.valid ? parsed.corrections : [],
    nhiReachable: input.nhi.reachable,
    checkedAt: input.now.toISOString(),
  };
  if (input.card) base.evidence = { source: input.card.source, nationalId: input.card.nationalId };
  const finish = (extra: Partial<Decision>): Decision => {
    const blocked = reasons.some((r) => r.severity === "block");
    // A refusal is not lifted by the card: asking for it (F9 types the ID) would send the pharmacist the wrong way.
    const shown = blocked ? reasons.filter((r) => r.code !== "no-card-chronic") : reasons;
    const cardNeeded = shown.some((r) => r.code === "no-card-chronic");
    const outcome = blocked ? "block" : cardNeeded ? "card-needed" : !input.nhi.reachable ? "override" : "dispense";
    const headline =
      outcome === "block"
        ? HEADLINES.block
        : outcome === "card-needed"
          ? HEADLINES.cardNeeded
          : outcome === "override"
            ? HEADLINES.override
            : HEADLINES.dispense(extra.refillNo ?? 1, extra.prescription?.chronic ?? false);
    const decision: Decision = { ...base, ...extra, outcome, reasons: shown, headline };
    if (outcome === "card-needed") decision.missingEvidence = "patient-card";
    return decision;
  };

  if (!parsed.valid) {
    reasons.push(reason("invalid-visit-id", "block", { detail: parsed.reason }));
    return finish({});
  }
  const originalVisitId = parsed.visitId;
  if (parsed.corrections.length > 0) {
    reasons.push(reason("visit-id-corrected", "info", { detail: describeCorrections(parsed.corrections) }));
  }
  if (parsed.kind === "sm00") {
    reasons.push(reason("sm00", "block", undefined, "D068"));
    return finish({ originalVisitId, paperEntry: "sm00" });
  }
  if (parsed.kind === "miss") {
    reasons.push(reason("miss", "block", undefined, "D054"));
    return finish({ originalVisitId });
  }

  let status: PrescriptionStatus | undefined;
  if (input.nhi.reachable) {
    const result = input.nhi.result;
    if (!result.found) {
      const code = result.code === "D024" ? "not-uploaded" : "invalid-visit-id";
      reasons.push(reason(code, "block", { detail: result.message }, result.code));
      return finish({ originalVisitId, ...(result.code === "D024" ? { paperEntry: "not-uploaded" as const } : {}) });
    }
    status = result.status;
  } else {
    status = input.nhi.cached;
    if (!status) {
      reasons.push(reason("unknown-offline", "block"));
      return finish({ originalVisitId, paperEntry: "nhi-unreachable" });
    }
    reasons.push(reason("nhi-unreachable", "override", { during: "check", cachedAt: input.nhi.cachedAt }));
  }

  const facts = refillFacts(status, input.local, input.pharmacyCode, input.deletedVisitIds);
  // The card holder's name names the prescription's patient only when the card is that patient's.
  const sameCard = input.card?.nationalId === status.nationalId ? input.card : undefined;
  const prescription = prescriptionView(status, facts, input.patientName ?? sameCard?.name);

  if (input.card && input.card.nationalId !== status.nationalId) {
    reasons.push(reason("person-mismatch", "block", undefined, "D003"));
  }
  if (!input.card && status.chronic) {
    reasons.push(reason("no-card-chronic", "warning", undefined, "D059"));
  }
  if (input.card?.source === "typed" && !input.card.typedReason?.trim()) {
    reasons.push(reason("card-not-shown", "block", {}));
  } else if (input.card?.source === "typed") {
    reasons.push(reason("card-not-shown", "warning", { typedReason: input.card.typedReason }));
  }
  if (exceedsTotalDays(status)) {
    reasons.push(reason("total-days-over-90", "block", { totalDays: totalDays(status), max: MAX_TOTAL_DAYS }));
  }

  const next = nextRefill(facts, status.refillCount);
  if (!next) {
    // A one-off prescription already dispensed is the block itself; for a chronic one the count is, and where each
    // refill went is history (prescription.refills), not a reason.
    const last = [...facts].reverse().find((f) => f.state === "dispensed");
    if (last && !status.chronic) reasons.push(alreadyDispensed(last, input.institutionName));
    if (status.chronic) {
      reasons.push(reason("refills-exhausted", "block", { refillCount: status.refillCount }, "D019"));
    }
    return finish({ originalVisitId, prescription });
  }

  const refillNo = next.refillNo;
  const window = windowFor(facts, refillNo);
  if (next.state === "cancelled") {
    reasons.push(reason("cancelled", "block", { refillNo }, "D023"));
  } else if (next.restored) {
    reasons.push(reason("restored", "info", { refillNo }));
  }
  const later = laterDispensed(facts, refillNo);
  if (later.length > 0) {
    reasons.push(reason("out-of-order", "block", { refillNo, later: later.map((f) => f.refillNo) }, "D022"));
  }
  if (window) {
    const position = windowPosition(window, input.today);
    // The previous refill's normal dispensing is history (prescription.refills), not a reason.
    if (position === "before") {
      reasons.push(reason("before-window", "block", { refillNo, window }, "D022"));
    } else if (position === "after") {
      reasons.push(reason("after-window", "block", { refillNo, window }, "D022"));
    }
  }
  if (status.originalSequenceNumber === "G000") reasons.push(reason("g000-prescription", "info"));
  if (refillNo >= 2 && !status.originalSequenceNumber) {
    reasons.push(reason("j000-fallback", "warning", undefined, "J000"));
  }
  return finish({ originalVisitId, prescription, refillNo, ...(window ? { window } : {}) });
}
