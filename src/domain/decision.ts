/**
 * The dispensing decision (可否調劑): from the scanned visit ID, the card, our own dispensings and NHI's
 * prescription status to "dispense refill n", "override" (NHI unreachable: pharmacist must give a reason) or
 * "block", with reasons a pharmacist understands. Pure: the service gathers the facts, this decides.
 */
import type { Decision } from "./decision-result.js";
import type { CardIdentity } from "./identity.js";
import { type Message, msg } from "./message.js";
import type { PrescriptionOrder, PrescriptionStatus, PrescriptionStatusResult } from "./prescription.js";
import type { PrescriptionView, RefillView } from "./prescription-view.js";
import type { DecisionReason, ReasonCode, ReasonSeverity } from "./reasons.js";
import {
  exceedsTotalDays,
  laterDispensed,
  MAX_TOTAL_DAYS,
  nextRefill,
  type RefillFact,
  type RefillWindow,
  totalDays,
  windowFor,
  windowPosition,
} from "./refill-rules.js";
import { formatRocDate, formatRocDateTime, type RocDate, type RocDateTime } from "./roc-date.js";
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
  ourInstitutionCode: string;
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

function reason(code: ReasonCode, severity: ReasonSeverity, message: Message, nhiCode?: string): DecisionReason {
  return nhiCode ? { code, severity, nhiCode, message } : { code, severity, message };
}

function when(at: RocDateTime | undefined): Message {
  return at ? msg(formatRocDateTime(at), formatRocDateTime(at)) : msg("時間不明", "time unknown");
}

function windowText(w: RefillWindow): Message {
  return msg(`${formatRocDate(w.from)}～${formatRocDate(w.to)}`, `${formatRocDate(w.from)} to ${formatRocDate(w.to)}`);
}

/** Merges our active dispensings with NHI's per-refill status. */
export function refillFacts(
  status: PrescriptionStatus,
  local: readonly LocalDispensingFact[],
  ourInstitutionCode: string,
  deletedVisitIds: readonly string[] = [],
): RefillFact[] {
  const facts: RefillFact[] = [];
  for (let n = 1; n <= status.refillCount; n++) {
    const mine = local.find((d) => d.refillNo === n);
    if (mine) {
      facts.push({
        refillNo: n,
        state: "dispensed",
        here: true,
        dispensedBy: ourInstitutionCode,
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
      remote.dispensedBy === ourInstitutionCode &&
      (remote.dispensedVisitId === undefined || deletedVisitIds.includes(remote.dispensedVisitId));
    if (ourDeleted) {
      facts.push({ refillNo: n, state: "undispensed", restored: remote.restored });
      continue;
    }
    facts.push({
      refillNo: n,
      state: remote.state,
      restored: remote.restored,
      here: remote.state === "dispensed" && remote.dispensedBy === ourInstitutionCode,
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
    if (f.dispensedAt) view.dispensedAt = f.dispensedAt;
    if (f.state === "dispensed") view.dispensedHere = f.here === true;
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
  fact: Pick<RefillFact, "refillNo" | "here" | "dispensedBy" | "dispensedAt" | "pharmacistId">,
  institutionName?: (code: string) => string | undefined,
): DecisionReason {
  const at = when(fact.dispensedAt);
  if (fact.here) {
    const by = fact.pharmacistId
      ? msg(`，藥師 ${fact.pharmacistId}`, `, pharmacist ${fact.pharmacistId}`)
      : msg("", "");
    return reason(
      "dispensed-here",
      "block",
      msg(
        `第${fact.refillNo}次已於本藥局調劑（${at.zh}${by.zh}）`,
        `Refill ${fact.refillNo} was already dispensed here (${at.en}${by.en})`,
      ),
    );
  }
  const code = fact.dispensedBy ?? "?";
  const name = fact.dispensedBy ? institutionName?.(fact.dispensedBy) : undefined;
  const where = name ? `${name} ${code}` : code;
  return reason(
    "dispensed-elsewhere",
    "block",
    msg(
      `第${fact.refillNo}次已於其他院所調劑：${where}，${at.zh}（重複調劑，D025）`,
      `Refill ${fact.refillNo} was already dispensed at another institution: ${where}, ${at.en} (duplicate, D025)`,
    ),
    "D025",
  );
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
    const cardNeeded = reasons.some((r) => r.code === "no-card-chronic");
    const outcome = blocked ? "block" : cardNeeded ? "card-needed" : !input.nhi.reachable ? "override" : "dispense";
    const headline =
      outcome === "block"
        ? HEADLINES.block
        : outcome === "card-needed"
          ? HEADLINES.cardNeeded
          : outcome === "override"
            ? HEADLINES.override
            : HEADLINES.dispense(extra.refillNo ?? 1, extra.prescription?.chronic ?? false);
    const decision: Decision = { ...base, ...extra, outcome, reasons, headline };
    if (outcome === "card-needed") decision.missingEvidence = "patient-card";
    return decision;
  };

  if (!parsed.valid) {
    reasons.push(reason("invalid-visit-id", "block", parsed.reason));
    return finish({});
  }
  const originalVisitId = parsed.visitId;
  if (parsed.corrections.length > 0) {
    reasons.push(reason("visit-id-corrected", "info", describeCorrections(parsed.corrections)));
  }
  if (parsed.kind === "sm00") {
    reasons.push(
      reason(
        "sm00",
        "block",
        msg(
          "SM00：處方為院所改用2.0格式前開立，無就醫識別碼，無法以就醫識別碼查核重複調劑；請依2.0實施前之作業方式處理（D068）",
          "SM00: the prescription predates the prescriber's switch to format 2.0 and has no visit ID, so duplicate dispensing cannot be checked by visit ID; handle it under the pre-2.0 procedure (D068)",
        ),
        "D068",
      ),
    );
    return finish({ originalVisitId });
  }
  if (parsed.kind === "miss") {
    reasons.push(
      reason(
        "miss",
        "block",
        msg(
          "MISS僅用於補卡時之實際就醫識別碼（M52，M12=4），不是處方之就醫識別碼；請掃描處方箋上之就醫識別碼（D054）",
          "MISS is only the actual visit ID of a card supplement (M52 with M12=4), never a prescription's visit ID; scan the visit ID printed on the prescription (D054)",
        ),
        "D054",
      ),
    );
    return finish({ originalVisitId });
  }

  let status: PrescriptionStatus | undefined;
  if (input.nhi.reachable) {
    const result = input.nhi.result;
    if (!result.found) {
      reasons.push(
        reason(result.code === "D024" ? "not-uploaded" : "invalid-visit-id", "block", result.message, result.code),
      );
      return finish({ originalVisitId });
    }
    status = result.status;
  } else {
    status = input.nhi.cached;
    const cachedNote = input.nhi.cachedAt
      ? msg(`（使用本機於 ${input.nhi.cachedAt} 保存之資料）`, ` (using the local copy from ${input.nhi.cachedAt})`)
      : msg("", "");
    if (!status) {
      reasons.push(
        reason(
          "nhi-unreachable",
          "block",
          msg(
            "健保署無法連線或回應內容錯誤，且本機無此處方之資料，無法判斷是否可調劑；請稍後重試或確認網路",
            "NHI unavailable or garbled, and this prescription is not known locally, so it cannot be checked; retry later or check the network",
          ),
        ),
      );
      return finish({ originalVisitId });
    }
    reasons.push(
      reason(
        "nhi-unreachable",
        "override",
        msg(
          `健保署無法連線或回應內容錯誤：僅依本機資料判斷${cachedNote.zh}。調劑須藥師確認異常原因（預設A020網路故障；E000限健保署確認之當機）並填寫理由，將以異常上傳（H01=B），並於恢復連線後重新查核與上傳`,
          `NHI unavailable or garbled: decided on local data only${cachedNote.en}. Dispensing needs a pharmacist override with the cause (default A020, network failure; E000 only for outages NHI confirms) and a reason; the record is uploaded as abnormal (H01=B) and re-checked once NHI is back`,
        ),
      ),
    );
  }

  const facts = refillFacts(status, input.local, input.ourInstitutionCode, input.deletedVisitIds);
  // The card holder's name names the prescription's patient only when the card is that patient's.
  const sameCard = input.card?.nationalId === status.nationalId ? input.card : undefined;
  const prescription = prescriptionView(status, facts, input.patientName ?? sameCard?.name);

  if (input.card && input.card.nationalId !== status.nationalId) {
    reasons.push(
      reason(
        "person-mismatch",
        "block",
        msg(
          "健保卡身分與處方之保險對象不符，請確認病人與處方箋",
          "The card holder is not the person on the prescription; check the patient and the prescription",
        ),
        "D003",
      ),
    );
  }
  if (!input.card && status.chronic) {
    reasons.push(
      reason(
        "no-card-chronic",
        "warning",
        msg(
          "慢性病連續處方箋須過健保卡（D059）：請插入健保卡或掃描虛擬健保卡，畫面會自動重新判斷；病人未帶卡時按 F9 依紙本輸入身分證號並填寫理由（自費，日後補卡）",
          "A chronic refill needs the patient's NHI card (D059): insert it or scan the virtual card and this decision updates by itself; if the patient has no card, F9 types the ID from the paper with a reason (self-pay, card supplement later)",
        ),
        "D059",
      ),
    );
  }
  if (input.card?.source === "typed" && !input.card.typedReason?.trim()) {
    reasons.push(
      reason(
        "card-not-shown",
        "block",
        msg("依紙本輸入身分證號時須填寫未讀卡理由", "An ID typed from the paper needs the reason no card was read"),
      ),
    );
  } else if (input.card?.source === "typed") {
    reasons.push(
      reason(
        "card-not-shown",
        "warning",
        msg(
          `未讀健保卡，身分依紙本輸入（理由：${input.card.typedReason}）；病人須於10日內（不含假日）出示健保卡補卡`,
          `No card read: the identity was typed from the paper (reason: ${input.card.typedReason}); the patient must show the card within 10 days (holidays excluded) for the card supplement`,
        ),
      ),
    );
  }
  if (exceedsTotalDays(status)) {
    reasons.push(
      reason(
        "total-days-over-90",
        "block",
        msg(
          `慢箋總給藥日份${totalDays(status)}日超過${MAX_TOTAL_DAYS}日上限`,
          `The chronic prescription's total of ${totalDays(status)} days exceeds the ${MAX_TOTAL_DAYS}-day limit`,
        ),
      ),
    );
  }

  const next = nextRefill(facts, status.refillCount);
  if (!next) {
    // A one-off prescription already dispensed is the block itself; for a chronic one the count is, and where each
    // refill went is history (prescription.refills), not a reason.
    const last = [...facts].reverse().find((f) => f.state === "dispensed");
    if (last && !status.chronic) reasons.push(alreadyDispensed(last, input.institutionName));
    if (status.chronic) {
      reasons.push(
        reason(
          "refills-exhausted",
          "block",
          msg(
            `慢箋${status.refillCount}次皆已調劑完畢`,
            `All ${status.refillCount} refills of this prescription have been dispensed`,
          ),
          "D019",
        ),
      );
    }
    return finish({ originalVisitId, prescription });
  }

  const refillNo = next.refillNo;
  const window = windowFor(facts, refillNo);
  if (next.state === "cancelled") {
    reasons.push(
      reason(
        "cancelled",
        "block",
        msg(
          `第${refillNo}次已由原處方院所註銷（C），未取消註銷前不可調劑`,
          `Refill ${refillNo} was cancelled by the prescriber (C) and has not been restored`,
        ),
        "D023",
      ),
    );
  } else if (next.restored) {
    reasons.push(
      reason(
        "restored",
        "info",
        msg(
          `第${refillNo}次曾被註銷，已由原處方院所取消註銷（E）`,
          `Refill ${refillNo} was cancelled and then restored by the prescriber (E)`,
        ),
      ),
    );
  }
  const later = laterDispensed(facts, refillNo);
  if (later.length > 0) {
    const nos = later.map((f) => f.refillNo).join("、");
    reasons.push(
      reason(
        "out-of-order",
        "block",
        msg(
          `第${nos}次已調劑，第${refillNo}次不可再依序調劑`,
          `Refill ${later.map((f) => f.refillNo).join(", ")} is already dispensed; refill ${refillNo} would be out of order`,
        ),
        "D022",
      ),
    );
  }
  if (window) {
    const position = windowPosition(window, input.today);
    // The previous refill's normal dispensing is history (prescription.refills), not a reason.
    if (position === "before") {
      reasons.push(
        reason(
          "before-window",
          "block",
          msg(
            `第${refillNo}次尚未到可調劑期間：${windowText(window).zh}（上次藥品用完前10日內）`,
            `Refill ${refillNo} is not yet due: window ${windowText(window).en} (the 10 days before the previous supply runs out)`,
          ),
          "D022",
        ),
      );
    } else if (position === "after") {
      reasons.push(
        reason(
          "after-window",
          "block",
          msg(
            `第${refillNo}次已逾可調劑期間：${windowText(window).zh}`,
            `Refill ${refillNo} is past its window: ${windowText(window).en}`,
          ),
          "D022",
        ),
      );
    }
  }
  if (refillNo >= 2 && !status.originalSequenceNumber) {
    reasons.push(
      reason(
        "j000-fallback",
        "warning",
        msg(
          "查無原處方就醫序號（M18）：請先查健保雲端藥歷並洽原處方院所；皆無法取得時，確認調劑即表示兩項皆已查證，M18填J000並記錄藥師與時間",
          "The original sequence number (M18) is unknown: check the NHI cloud medication record and ask the clinic first; when neither can supply it, confirming the dispensing states both were checked, and M18 = J000 is logged with the pharmacist and time",
        ),
        "J000",
      ),
    );
  }
  return finish({ originalVisitId, prescription, refillNo, ...(window ? { window } : {}) });
}
