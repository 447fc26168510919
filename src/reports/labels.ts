/** What people read in reports, zh-TW and English. */
import { type Locale, localize, type Message, msg } from "../domain/message.js";
import type { LogEntryKind, PatientMask, RefillSummaryState, UploadSummaryState } from "./model.js";

export const ENTRY_KIND_LABELS: Record<LogEntryKind, Message> = {
  dispensed: msg("調劑", "dispensed"),
  blocked: msg("拒絕調劑", "blocked"),
  finding: msg("健保署查核", "NHI finding"),
  cancelled: msg("註銷(C)", "cancelled (C)"),
  restored: msg("取消註銷(E)", "restored (E)"),
  deleted: msg("整筆刪除(D)", "deleted (D)"),
  corrected: msg("更正", "corrected"),
  j000: msg("J000 替代序號", "J000 fallback"),
  override: msg("例外放行", "override"),
  incident: msg("異常事件", "incident"),
  acknowledged: msg("異常事件已處理", "incident acknowledged"),
  due: msg("應領", "due"),
  missed: msg("逾期未領", "missed"),
};

/** An entry's label: another institution's dispensing or deletion says so (it is not ours). */
export function entryKindLabel(e: { kind: LogEntryKind; elsewhere?: boolean }): Message {
  if (e.elsewhere && e.kind === "dispensed") return msg("他院調劑", "dispensed elsewhere");
  if (e.elsewhere && e.kind === "deleted") return msg("他院刪除(D)", "deleted elsewhere (D)");
  return ENTRY_KIND_LABELS[e.kind];
}

export const REFILL_STATE_LABELS: Record<RefillSummaryState, Message> = {
  undispensed: msg("未調劑", "not dispensed"),
  dispensed: msg("已調劑", "dispensed"),
  cancelled: msg("已註銷", "cancelled"),
  due: msg("應領", "due"),
  missed: msg("逾期未領", "missed"),
};

export const UPLOAD_STATE_LABELS: Record<UploadSummaryState, Message> = {
  none: msg("無上傳", "no upload"),
  pending: msg("待上傳", "waiting"),
  uploading: msg("上傳中", "uploading"),
  uploaded: msg("已上傳", "uploaded"),
  accepted: msg("已接受", "accepted"),
  rejected: msg("被退回", "rejected"),
  withdrawn: msg("上傳前已刪除", "withdrawn before upload"),
};

export const MASK_LABELS: Record<PatientMask, Message> = {
  full: msg("完整", "full"),
  masked: msg("遮蔽身分證號", "masked ID"),
  initials: msg("僅姓氏", "initials only"),
};

export const L = {
  refillLogTitle: msg("慢性病連續處方箋調劑紀錄", "Chronic refill log"),
  period: msg("期間", "Period"),
  pharmacy: msg("藥局", "Pharmacy"),
  generated: msg("產生時間", "Generated"),
  patientMask: msg("病人資料", "Patients"),
  totals: msg("統計", "Totals"),
  dispensings: msg("調劑次數", "Dispensings"),
  deletions: msg("刪除", "deleted"),
  refillsDue: msg("期間內應領", "Refills due"),
  refillsMissed: msg("逾期未領", "Refills missed"),
  duplicatesStopped: msg("攔截重複調劑", "Duplicates stopped"),
  otherBlocks: msg("其他拒絕", "Other refusals"),
  duplicatesFoundLater: msg("事後發現重複(D025)", "Duplicates found later (D025)"),
  overrides: msg("例外放行", "Overrides"),
  j000: msg("J000 替代序號", "J000 fallbacks"),
  cancelRestore: msg("註銷 / 取消註銷", "Cancelled / restored"),
  incidents: msg("異常事件（事後查核）", "Incidents (re-checks)"),
  acknowledged: msg("已處理", "acknowledged"),
  upload24h: msg("24 小時內上傳", "Uploaded within 24 h"),
  target: msg("健保署目標", "NHI target"),
  met: msg("達標", "met"),
  notMet: msg("未達標", "NOT met"),
  noData: msg("無資料", "no data"),
  pendingInTime: msg("尚在期限內", "still in time"),
  rejected: msg("被退回", "rejected"),
  prescriptions: msg("處方", "Prescriptions"),
  noPrescriptions: msg("此期間沒有紀錄", "Nothing recorded in this period"),
  originalVisitId: msg("原就醫識別碼", "Original visit ID"),
  prescriber: msg("原處方院所", "Prescriber"),
  originalVisit: msg("原就診", "Original visit"),
  patient: msg("病人", "Patient"),
  refillPlan: msg("慢箋", "Chronic"),
  refillNo: msg("次", "No."),
  refillNoLong: msg("第 {n} 次", "refill {n}"),
  times: msg("{count} 次 × {days} 日", "{count} × {days} days"),
  colTime: msg("時間", "Time"),
  colEvent: msg("事件", "Event"),
  colWhere: msg("機構 / 藥師", "Where / by"),
  colDays: msg("日份", "Days"),
  colDetail: msg("原因 / 說明", "Reason / details"),
  colUpload: msg("上傳 / 健保代碼", "Upload / NHI codes"),
  here: msg("本藥局", "here"),
  elsewhere: msg("他院所", "elsewhere"),
  continued: msg("(續)", "(cont.)"),
  page: msg("第 {n} / {total} 頁", "Page {n} of {total}"),
  window: msg("可領期間", "Window"),
  pharmacist: msg("藥師", "pharmacist"),
  // Slip
  slipTitle: msg("慢性病連續處方箋 回診領藥提醒", "Chronic refill reminder"),
  slipNext: msg("下次領藥：第 {n} 次（共 {count} 次）", "Next: refill {n} of {count}"),
  slipWindow: msg("請於下列期間內回來領藥", "Please come back between"),
  slipBring: msg("請攜帶健保卡及原處方箋", "Bring your NHI card and the original prescription"),
  slipDispensed: msg("本次：第 {n} 次，{date}，{days} 日份", "This time: refill {n}, {date}, {days} days"),
  slipVisitId: msg("原就醫識別碼", "Original visit ID"),
  slipQrNote: msg(
    "處方箋遺失或破損時，藥師可掃描此碼",
    "If the prescription is lost or damaged, the pharmacist can scan this code",
  ),
  slipPhone: msg("電話", "Phone"),
  slipPrinted: msg("列印", "Printed"),
} satisfies Record<string, Message>;

/** Localizes a message and fills `{name}` placeholders. */
export function t(message: Message, locale: Locale, vars: Record<string, string | number> = {}): string {
  return localize(message, locale).replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in vars ? String(vars[key]) : whole,
  );
}
