/**
 * The words of every reason (zh-TW and English), one entry per code: the rules say which reason applies and with
 * which facts, this catalogue says it. Codes whose text comes from elsewhere (the visit-ID parser, NHI's own
 * answer) take that text as `detail`.
 */
import { type Message, msg } from "./message.js";
import type { PaperEntryCause, PaperRuleProblem } from "./paper-prescription.js";
import { paperCauseText, paperRuleText } from "./paper-text.js";
import type { DecisionReason, ReasonCode, ReasonSeverity } from "./reasons.js";
import type { RefillWindow } from "./refill-rules.js";
import { formatRocDate, formatRocDateTime, type RocDate, type RocDateTime } from "./roc-date.js";

function when(at: RocDateTime | undefined): Message {
  return at ? msg(formatRocDateTime(at), formatRocDateTime(at)) : msg("時間不明", "time unknown");
}

function windowText(w: RefillWindow): Message {
  return msg(`${formatRocDate(w.from)}～${formatRocDate(w.to)}`, `${formatRocDate(w.from)} to ${formatRocDate(w.to)}`);
}

/** A dispensing of a refill: who and when (`justNow`: by another counter here while we were committing). */
interface Dispensed {
  refillNo: number;
  at?: RocDateTime;
  pharmacistId?: string;
  justNow?: boolean;
}

export const REASON_TEXT = {
  "invalid-visit-id": (p: { detail: Message }) => p.detail,
  "visit-id-corrected": (p: { detail: Message }) => p.detail,
  sm00: () =>
    msg(
      "SM00：處方為院所改用2.0格式前開立，無就醫識別碼，無法以就醫識別碼查核重複調劑；請依紙本輸入處方後調劑（就診日期在2.0實施後者不可用SM00，D068）",
      "SM00: the prescription predates the prescriber's switch to format 2.0 and has no visit ID, so duplicate dispensing cannot be checked by visit ID; enter it from the paper to dispense (not for visits after the switch to 2.0, D068)",
    ),
  miss: () =>
    msg(
      "MISS僅用於補卡時之實際就醫識別碼（M52，M12=4），不是處方之就醫識別碼；請掃描處方箋上之就醫識別碼（D054）",
      "MISS is only the actual visit ID of a card supplement (M52 with M12=4), never a prescription's visit ID; scan the visit ID printed on the prescription (D054)",
    ),
  "not-uploaded": (p: { detail: Message }) => p.detail,
  "nhi-unreachable": (p: { during: "check" | "confirm" | "card-pass"; cachedAt?: string }) => {
    if (p.during === "confirm") {
      return msg(
        "無法連線健保署：須由藥師確認異常原因（預設A020網路故障）並填寫理由後才能調劑（異常上傳H01=B）",
        "NHI cannot be reached: a pharmacist must confirm the cause (default A020, network failure) and give a reason before dispensing (abnormal upload H01=B)",
      );
    }
    if (p.during === "card-pass") {
      return msg(
        "過卡時健保署連線中斷：須由藥師確認異常原因（預設A020網路故障）並填寫理由後以異常上傳調劑",
        "NHI went away during the card pass: dispense as abnormal with the cause's code (default A020, network failure) and a pharmacist's reason",
      );
    }
    const note = p.cachedAt
      ? msg(`（使用本機於 ${p.cachedAt} 保存之資料）`, ` (using the local copy from ${p.cachedAt})`)
      : msg("", "");
    return msg(
      `健保署無法連線或回應內容錯誤：僅依本機資料判斷${note.zh}。調劑須藥師確認異常原因（預設A020網路故障；E000限健保署確認之當機）並填寫理由，將以異常上傳（H01=B），並於恢復連線後重新查核與上傳`,
      `NHI unavailable or garbled: decided on local data only${note.en}. Dispensing needs a pharmacist override with the cause (default A020, network failure; E000 only for outages NHI confirms) and a reason; the record is uploaded as abnormal (H01=B) and re-checked once NHI is back`,
    );
  },
  "unknown-offline": () =>
    msg(
      "健保署無法連線或回應內容錯誤，且本機無此處方之資料，無法依就醫識別碼判斷；請依紙本輸入處方，以異常上傳調劑（恢復連線後自動查核），或稍後重試",
      "NHI unavailable or garbled, and this prescription is not known locally, so the scan cannot decide; enter it from the paper to dispense as abnormal (re-checked once NHI is back), or retry later",
    ),
  "control-software-unavailable": () =>
    msg(
      "讀卡機控制軟體無法產生異常就醫識別碼（API 1.54），無法建立紀錄；請檢查讀卡機控制軟體",
      "The card reader control software could not issue an offline visit ID (API 1.54), so no record can be made; check the control software",
    ),
  "abnormal-code-invalid": (p: { detail: Message }) => p.detail,
  "person-mismatch": () =>
    msg(
      "健保卡身分與處方之保險對象不符，請確認病人與處方箋",
      "The card holder is not the person on the prescription; check the patient and the prescription",
    ),
  "no-card-chronic": () =>
    msg(
      "慢性病連續處方箋須過健保卡（D059）：請插入健保卡或掃描虛擬健保卡，畫面會自動重新判斷；病人未帶卡時按 F9 依紙本輸入身分證號並填寫理由（自費，日後補卡）",
      "A chronic refill needs the patient's NHI card (D059): insert it or scan the virtual card and this decision updates by itself; if the patient has no card, F9 types the ID from the paper with a reason (self-pay, card supplement later)",
    ),
  /** The identity was typed from the paper; without `typedReason` that reason is still missing. */
  "card-not-shown": (p: { typedReason?: string }) =>
    p.typedReason
      ? msg(
          `未讀健保卡，身分依紙本輸入（理由：${p.typedReason}）；病人須於10日內（不含假日）出示健保卡補卡`,
          `No card read: the identity was typed from the paper (reason: ${p.typedReason}); the patient must show the card within 10 days (holidays excluded) for the card supplement`,
        )
      : msg("依紙本輸入身分證號時須填寫未讀卡理由", "An ID typed from the paper needs the reason no card was read"),
  "total-days-over-90": (p: { totalDays: number; max: number }) =>
    msg(
      `慢箋總給藥日份${p.totalDays}日超過${p.max}日上限`,
      `The chronic prescription's total of ${p.totalDays} days exceeds the ${p.max}-day limit`,
    ),
  "dispensed-here": (p: Dispensed) => {
    const at = when(p.at);
    const by = p.pharmacistId ? msg(`，藥師 ${p.pharmacistId}`, `, pharmacist ${p.pharmacistId}`) : msg("", "");
    if (p.justNow && p.at) {
      return msg(
        `第${p.refillNo}次剛由本藥局另一櫃台調劑（${at.zh}${by.zh}）`,
        `Refill ${p.refillNo} was just dispensed at another counter here (${at.en}${by.en})`,
      );
    }
    if (p.justNow) {
      return msg(`第${p.refillNo}次剛被另一櫃台調劑`, `Refill ${p.refillNo} was just dispensed at another counter`);
    }
    return msg(
      `第${p.refillNo}次已於本藥局調劑（${at.zh}${by.zh}）`,
      `Refill ${p.refillNo} was already dispensed here (${at.en}${by.en})`,
    );
  },
  "dispensed-elsewhere": (p: { refillNo: number; where: string; at?: RocDateTime }) => {
    const at = when(p.at);
    return msg(
      `第${p.refillNo}次已於其他院所調劑：${p.where}，${at.zh}（重複調劑，D025）`,
      `Refill ${p.refillNo} was already dispensed at another institution: ${p.where}, ${at.en} (duplicate, D025)`,
    );
  },
  cancelled: (p: { refillNo: number }) =>
    msg(
      `第${p.refillNo}次已由原處方院所註銷（C），未取消註銷前不可調劑`,
      `Refill ${p.refillNo} was cancelled by the prescriber (C) and has not been restored`,
    ),
  restored: (p: { refillNo: number }) =>
    msg(
      `第${p.refillNo}次曾被註銷，已由原處方院所取消註銷（E）`,
      `Refill ${p.refillNo} was cancelled and then restored by the prescriber (E)`,
    ),
  "out-of-order": (p: { refillNo: number; later: readonly number[] }) =>
    msg(
      `第${p.later.join("、")}次已調劑，第${p.refillNo}次不可再依序調劑`,
      `Refill ${p.later.join(", ")} is already dispensed; refill ${p.refillNo} would be out of order`,
    ),
  "before-window": (p: { refillNo: number; window: RefillWindow }) =>
    msg(
      `第${p.refillNo}次尚未到可調劑期間：${windowText(p.window).zh}（上次藥品用完前10日內）`,
      `Refill ${p.refillNo} is not yet due: window ${windowText(p.window).en} (the 10 days before the previous supply runs out)`,
    ),
  "after-window": (p: { refillNo: number; window: RefillWindow }) =>
    msg(
      `第${p.refillNo}次已逾可調劑期間：${windowText(p.window).zh}`,
      `Refill ${p.refillNo} is past its window: ${windowText(p.window).en}`,
    ),
  "refills-exhausted": (p: { refillCount: number }) =>
    msg(`慢箋${p.refillCount}次皆已調劑完畢`, `All ${p.refillCount} refills of this prescription have been dispensed`),
  "j000-fallback": () =>
    msg(
      "查無原處方就醫序號（M18）：請先查健保雲端藥歷並洽原處方院所；皆無法取得時，確認調劑即表示兩項皆已查證，M18填J000並記錄藥師與時間",
      "The original sequence number (M18) is unknown: check the NHI cloud medication record and ask the clinic first; when neither can supply it, confirming the dispensing states both were checked, and M18 = J000 is logged with the pharmacist and time",
    ),
  "j000-unconfirmed": () =>
    msg(
      "M18填J000前，藥師須確認：已查健保雲端藥歷、已洽原處方院所，皆無法取得原處方就醫序號（健保署規定）",
      "Before M18 = J000 the pharmacist confirms both checks NHI requires: the cloud medication record and the prescribing clinic could not supply the original sequence number",
    ),
  "invalid-pharmacist-id": (p: { detail: Message }) =>
    msg(`藥師身分證號無效：${p.detail.zh}`, `Invalid pharmacist ID: ${p.detail.en}`),
  "reason-required": () => msg("請填寫原因", "A reason is required"),
  "days-supplied-out-of-range": (p: { max: number; days: number }) =>
    msg(`給藥日份須為1～${p.max}日（輸入${p.days}）`, `Days supplied must be 1 to ${p.max} (got ${p.days})`),
  "stale-decision": (p: { requested: number; due: number }) =>
    msg(
      `畫面資料已過時：目前應調劑第${p.due}次，而非第${p.requested}次；請重新查詢`,
      `The screen is out of date: the refill due now is ${p.due}, not ${p.requested}; check again`,
    ),
  "decision-changed": () =>
    msg(
      "確認的判斷已不是目前的判斷（處方狀態、健保卡或時間已變）：請看新的判斷後再確認",
      "The decision being confirmed no longer holds (the prescription, the card or the time changed): read the fresh decision and confirm again",
    ),
  "record-incomplete": (p: { field?: string; code: string; detail: Message }) =>
    msg(
      `上傳資料不完整：${p.field ?? ""} ${p.code} ${p.detail.zh}`,
      `Upload record incomplete: ${p.field ?? ""} ${p.code} ${p.detail.en}`,
    ),
  "supplement-time-invalid": (p: { value: string }) =>
    msg(
      `補卡之實際就醫時間格式錯誤（應為yyyMMddHHmmss）：${p.value}`,
      `The actual visit date-time of a card supplement must be yyyMMddHHmmss: ${p.value}`,
    ),
  "supplement-visit-id-invalid": (p: { value: string }) =>
    msg(
      `補卡保留之就醫識別碼無效：${p.value}（未保留時請留空，將以MISS上傳）`,
      `The kept visit ID of the card supplement is not valid: ${p.value} (leave it out to upload MISS)`,
    ),
  "supplement-outside-prescription": (p: { prescribedAt: RocDateTime }) =>
    msg(
      `補卡之實際就醫時間須介於處方開立（${formatRocDateTime(p.prescribedAt)}）與現在之間`,
      `The actual visit must lie between the prescription (${formatRocDateTime(p.prescribedAt)}) and now`,
    ),
  "supplement-too-late": (p: { limit: number; workingDays: number }) =>
    msg(
      `已逾補卡期限（就醫後${p.limit}日內，不含例假日；已過${p.workingDays}個工作日），不可補卡上傳`,
      `Too late for a card supplement (within ${p.limit} working days of the visit; ${p.workingDays} have passed)`,
    ),
  "no-such-dispensing": (p: { id: string }) => msg(`查無調劑紀錄 ${p.id}`, `No dispensing record ${p.id}`),
  "record-deleted": (p: { deletedAt?: string | null }) =>
    p.deletedAt
      ? msg(`此調劑紀錄已於 ${p.deletedAt} 刪除`, `This dispensing record was deleted at ${p.deletedAt}`)
      : msg("此紀錄已被刪除", "This record was already deleted"),
  "record-changed": () => msg("紀錄已被他人修改，請重新查詢", "The record changed meanwhile; reload it"),
  "later-refill-here": (p: { later: readonly number[] }) =>
    msg(`請先刪除較後之第${p.later.join(",")}次調劑紀錄`, `Delete the later refill ${p.later.join(",")} first`),
  "later-refill-elsewhere": (p: { refillNo: number; by: string }) =>
    msg(
      `不可刪除：其後之第${p.refillNo}次已由 ${p.by} 調劑（D035）`,
      `Cannot delete: the later refill ${p.refillNo} was dispensed by ${p.by} (D035)`,
    ),
  "correction-deadline-passed": (p: { deadline: RocDate }) =>
    msg(
      `已逾更正期限（就醫次月底 ${formatRocDate(p.deadline)}），不可再以同一就醫識別碼更正上傳；請於費用申報時處理或洽健保署分區業務組`,
      `Past the correction deadline (end of the month after the visit, ${formatRocDate(p.deadline)}): the record can no longer be re-uploaded with the same visit ID; handle it in the monthly claim or ask the NHI regional office`,
    ),
  "paper-field-invalid": (p: { label: Message; detail: Message }) =>
    msg(
      `紙本處方欄位「${p.label.zh}」不正確：${p.detail.zh}`,
      `Paper prescription field "${p.label.en}" is wrong: ${p.detail.en}`,
    ),
  "paper-rule": (p: { problem: PaperRuleProblem }) => paperRuleText(p.problem),
  "paper-not-needed": () =>
    msg(
      "健保署已有此處方之資料：請掃描就醫識別碼依一般流程調劑，不需依紙本輸入",
      "NHI knows this prescription: scan its visit ID and dispense the usual way; no paper entry is needed",
    ),
  "paper-entered": (p: { cause: PaperEntryCause }) => {
    const cause = paperCauseText(p.cause);
    return msg(
      `依紙本輸入處方（${cause.zh}）：調劑紀錄標示為「未查核」，健保署可查詢時自動重新查核；發現衝突即列為異常事件`,
      `Entered from the paper (${cause.en}): the dispensing is marked unverified and re-checked with NHI as soon as it answers; a conflict becomes an incident`,
    );
  },
  "not-uploaded-later-refill": () =>
    msg(
      "原處方院所查無上傳資料（D024），而此為慢箋第2次以後之調劑：須藥師填寫理由確認後才能調劑（記錄稽核）",
      "NHI has no upload of this prescription (D024) although this is a chronic refill 2+: dispensing needs a pharmacist's override with a reason (audited)",
    ),
  "g000-prescription": () =>
    msg(
      "原處方就醫序號為G000（新特約院所尚未能連線）：M18照填G000；新特約院所僅於簽約日起60日內可用G000，30日後不得以G000申報",
      "The prescription's sequence number is G000 (a new-contract clinic not yet online): M18 = G000 as printed; a new contract may use G000 only within 60 days of its contract date, and not claim with it after 30 days",
    ),
  "no-such-incident": (p: { id: string }) => msg(`查無異常事件 ${p.id}`, `No incident ${p.id}`),
  "incident-acknowledged": (p: { pharmacistId: string; at: string }) =>
    msg(
      `此異常事件已由藥師 ${p.pharmacistId} 於 ${p.at} 確認`,
      `This incident was already acknowledged by pharmacist ${p.pharmacistId} at ${p.at}`,
    ),
} satisfies Record<ReasonCode, (p: never) => Message>;

type Params<C extends ReasonCode> = Parameters<(typeof REASON_TEXT)[C]>[0];
/** The facts a code's words need (none for fixed texts), then the NHI check code when one applies. */
export type ReasonArgs<C extends ReasonCode> =
  Params<C> extends undefined ? [] | [undefined, string] : [Params<C>] | [Params<C>, string];

/** A reason with its words from the catalogue. */
export function reason<C extends ReasonCode>(
  code: C,
  severity: ReasonSeverity,
  ...args: ReasonArgs<C>
): DecisionReason {
  const [params, nhiCode] = args;
  const message = (REASON_TEXT[code] as (p: unknown) => Message)(params);
  return nhiCode ? { code, severity, nhiCode, message } : { code, severity, message };
}
