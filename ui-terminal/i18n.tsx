/** What the pharmacist reads: zh-TW by default, English on F2 or `--lang en`. */
import { createContext, useContext } from "react";
import { type Locale, localize, type Message, msg } from "../src/domain/message.js";
import { PAPER_TEXT } from "./i18n-paper.js";

export const LocaleContext = createContext<Locale>("zh-TW");

/**
 * What the screen keeps to show later (a note, an error, a flash): a message in both languages, so F2 switches it
 * too, or a plain text that has no translation (a file path, an error from outside).
 */
export type Note = Message | string;

export function useT(): { locale: Locale; t: (m: Note, vars?: Record<string, string | number>) => string } {
  const locale = useContext(LocaleContext);
  return { locale, t: (m, vars) => tr(m, locale, vars) };
}

export function tr(m: Note, locale: Locale, vars: Record<string, string | number | Message> = {}): string {
  if (typeof m === "string") return m;
  return localize(m, locale).replace(/\{(\w+)\}/g, (all, k: string) => {
    if (!(k in vars)) return all;
    const v = vars[k]!;
    return typeof v === "object" ? localize(v, locale) : String(v);
  });
}

/** Several messages as one, each language joined in its own way. */
export function joinMessages(messages: Message[]): Message {
  return { zh: messages.map((m) => m.zh).join("；"), en: messages.map((m) => m.en).join("; ") };
}

/** A message with its placeholders filled in both languages (a value may itself be a message): a note to keep. */
export function fill(m: Message, vars: Record<string, string | number | Message>): Message {
  return { zh: tr(m, "zh-TW", vars), en: tr(m, "en", vars) };
}

export const L = {
  title: msg("rxdesk 藥局調劑", "rxdesk dispensing"),
  pharmacist: msg("藥師", "Pharmacist"),
  scanPrompt: msg("掃描就醫識別碼", "Scan visit ID"),
  scanHint: msg(
    "掃描處方箋條碼或輸入20碼就醫識別碼後按 Enter",
    "Scan the prescription barcode or type the 20-character visit ID, then Enter",
  ),
  checking: msg("查詢中…", "Checking…"),
  dispensing: msg("調劑中…", "Dispensing…"),
  // decision
  okToDispense: msg("可 調 劑", "OK TO DISPENSE"),
  doNotDispense: msg("不 可 調 劑", "DO NOT DISPENSE"),
  needsOverride: msg("需覆核才可調劑", "OVERRIDE NEEDED"),
  cardNeeded: msg("需 健 保 卡", "CARD NEEDED"),
  cardNeededKey: msg(
    "插卡或掃描虛擬健保卡即自動重判；F9 病人未帶卡",
    "Insert or scan the card to re-check; F9 no card",
  ),
  typedIdPrompt: msg(
    "病人未帶卡：依處方箋輸入病人身分證號後按 Enter（Esc 取消）",
    "No card: type the patient's national ID from the prescription, then Enter (Esc cancels)",
  ),
  typedReasonPrompt: msg(
    "未讀卡理由（將記錄；病人須於10日內補卡）後按 Enter（Esc 取消）",
    "Why no card was read (recorded; the card must be shown within 10 days), then Enter (Esc cancels)",
  ),
  typedIdentity: msg("依紙本輸入：{id}", "Typed from paper: {id}"),
  typedEvidence: msg("依紙本輸入，未讀卡", "typed from paper, no card"),
  dispensedBefore: msg("已領", "Dispensed"),
  historyHere: msg("本藥局", "here"),
  historyEntry: msg("第{n}次 {where} {at}", "refill {n} {where} {at}"),
  refillNofN: msg("第 {n} 次 / 共 {total} 次", "refill {n} of {total}"),
  singlePrescription: msg("一般處方", "single prescription"),
  patient: msg("病人", "Patient"),
  prescriber: msg("處方院所", "Prescriber"),
  prescription: msg("處方", "Rx"),
  visitedAt: msg("原就診", "visit"),
  seqNo: msg("原序號", "seq"),
  daysEach: msg("每次 {days} 天", "{days} days each"),
  daysTotal: msg("總 {days} 天", "{days} days total"),
  window: msg("可領期間", "Window"),
  drugs: msg("藥品", "Drugs"),
  moreDrugs: msg("…另 {n} 項", "…{n} more"),
  reasons: msg("原因", "Reasons"),
  visitId: msg("就醫識別碼", "Visit ID"),
  nhiNotReachableCheck: msg("健保署連線中斷：僅依本機資料判斷", "NHI unreachable: judged on local data only"),
  cardMatches: msg("健保卡相符", "card matches"),
  cardMismatch: msg(
    "！！健保卡與處方箋不是同一人！！ 卡：{card} ／ 處方：{rx}",
    "!! CARD AND PRESCRIPTION ARE DIFFERENT PEOPLE !! card {card} / Rx {rx}",
  ),
  noCardInserted: msg("未插健保卡", "no NHI card"),
  // dispense flow
  confirmKey: msg("F9 確認調劑", "F9 dispense"),
  overrideKey: msg("F9 覆核調劑", "F9 override"),
  overridePrompt: msg(
    "健保署無法連線。請輸入覆核理由後按 Enter（Esc 取消）",
    "NHI is unreachable. Type the override reason, then Enter (Esc cancels)",
  ),
  reasonRequired: msg("請輸入理由", "A reason is required"),
  causePrompt: msg(
    "異常過卡：請依原因選擇異常代碼（M13，以 H01=B 異常上傳）",
    "Dispensing without a card pass: pick the cause's abnormal code (M13, uploaded as H01=B)",
  ),
  causeNotObtained: msg("（尚未取得就醫序號）", " (no sequence no. yet)"),
  causeObtained: msg("（已取得就醫序號）", " (sequence no. obtained)"),
  causeSuggested: msg("　← 建議", " ← suggested"),
  causeReasonPrompt: msg(
    "{cause}。請輸入覆核理由後按 Enter（Esc 返回判斷）",
    "{cause}. Type the override reason, then Enter (Esc back to the decision)",
  ),
  j000Prompt: msg(
    "J000：慢箋第2次以後，處方箋未載原處方就醫序號。依健保署規定須先完成兩項確認：",
    "J000: refill 2+ without the original sequence number. NHI requires two checks first:",
  ),
  j000CloudChecked: msg(
    "已查健保雲端藥歷，查無原處方就醫序號",
    "NHI cloud medication record checked: no sequence number there",
  ),
  j000ClinicAsked: msg(
    "已洽詢原處方院所，無法取得就醫序號（如未開診）",
    "Prescribing clinic asked: it cannot give the number (e.g. closed)",
  ),
  j000BothRequired: msg("兩項都確認後才能以 J000 調劑", "Both checks are needed before J000 can be used"),
  j000HintCloud: msg("雲端藥歷", "cloud record"),
  j000HintClinic: msg("原處方院所", "clinic"),
  hintSelect: msg("選擇", "select"),
  hintPick: msg("選定", "pick"),
  hintConfirm: msg("確認", "confirm"),
  hintBack: msg("返回", "back"),
  ...PAPER_TEXT,
  doneAbnormal: msg("異常上傳 H01=B，M13 = {cause}", "Uploaded as abnormal (H01=B), M13 = {cause}"),
  doneJ000: msg(
    "原處方就醫序號 J000（已確認雲端藥歷及原處方院所）",
    "Original sequence number J000 (cloud record and clinic checked)",
  ),
  dispensed: msg("已調劑：第 {n} 次　本次就醫識別碼 {visitId}", "Dispensed refill {n}, visit ID {visitId}"),
  nextRefill: msg("下次（第 {n} 次）可領 {from} – {to}", "Next (refill {n}) from {from} to {to}"),
  lastRefill: msg("本處方已全部領完", "This was the last refill"),
  slipKey: msg("F8 列印領藥提醒單", "F8 print refill reminder"),
  slipWritten: msg("提醒單已產生：{path}", "Reminder slip written: {path}"),
  slipUnavailable: msg("提醒單功能尚未安裝", "Reminder slips are not available"),
  dispenseRefused: msg("未調劑：", "Not dispensed: "),
  staleScreen: msg("畫面資料已過期，請重新掃描", "The screen is out of date: scan again"),
  error: msg("錯誤：{text}", "Error: {text}"),
  nothingToConfirm: msg("請先掃描處方箋", "Scan a prescription first"),
  blockedNoConfirm: msg("不可調劑，無法確認", "Not dispensable: cannot confirm"),
  decisionPaused: msg(
    "輸入中：上一筆（{visitId}）的判斷已收起，F9 停用。按 Enter 查詢新輸入",
    "Typing: the decision for {visitId} is set aside and F9 is off. Enter checks the new input",
  ),
  // status bar
  nhiUp: msg("健保署 連線", "NHI online"),
  nhiDown: msg("健保署 斷線", "NHI OFFLINE"),
  nhiUnknown: msg("健保署 …", "NHI …"),
  outbox: msg("上傳 待傳{waiting} 退件{rejected}", "Upload {waiting} waiting {rejected} rejected"),
  oldest: msg("最久{age}/24小時", "oldest {age}/24h"),
  overdue: msg("逾24小時！", "OVER 24h!"),
  readerNone: msg("無讀卡機", "no reader"),
  readerNoService: msg("無讀卡服務", "no reader (pcscd)"),
  readerReady: msg("讀卡機就緒 未插卡", "reader ready, no card"),
  readerCard: msg("健保卡：{name}", "Card: {name}"),
  readerError: msg("讀卡錯誤", "card error"),
  virtualCardUnavailable: msg("無法驗證虛擬健保卡（未連線健保署）", "Virtual NHI cards cannot be verified here"),
  virtualCardRejected: msg("虛擬健保卡無效：{reason}", "Virtual NHI card refused: {reason}"),
  virtualCardAccepted: msg("虛擬健保卡：{name} {id}{proxy}", "Virtual NHI card: {name} {id}{proxy}"),
  proxy: msg("（代理人出示）", " (shown by a proxy)"),
  readerVirtual: msg("虛擬健保卡：{name}", "Virtual card: {name}"),
  cardInserted: msg("已插入健保卡：{name} {id}", "NHI card inserted: {name} {id}"),
  cardRemoved: msg("健保卡已取出", "NHI card removed"),
  // keys
  keysBack: msg("Esc 返回", "Esc back"),
  // screens
  history: msg("調劑紀錄（最近）", "Recent dispensings"),
  deleted: msg("已刪除", "deleted"),
  active: msg("有效", "active"),
  deleteConfirm: msg(
    "刪除第 {n} 次調劑（{visitId}）？將上傳 H01=D 整筆刪除。輸入理由後按 Enter（Esc 取消）",
    "Delete refill {n} ({visitId})? An H01=D delete will be uploaded. Type the reason, then Enter (Esc cancels)",
  ),
  correctDays: msg(
    "更正給藥日份（目前 {days} 天）：輸入天數後按 Enter（Esc 取消）",
    "Correct days supplied (now {days}): type days, then Enter (Esc cancels)",
  ),
  correctReason: msg("更正理由：輸入後按 Enter（Esc 取消）", "Correction reason: type it, then Enter (Esc cancels)"),
  daysInvalid: msg("給藥日份需為 1–30 的整數", "Days must be a whole number 1–30"),
  doneDeleted: msg("已刪除，將上傳刪除紀錄", "Deleted; the delete record will be uploaded"),
  doneCorrected: msg(
    "已更正，將以同一就醫識別碼重新上傳",
    "Corrected; it will be uploaded again with the same visit ID",
  ),
  noRows: msg("（無資料）", "(nothing)"),
  due: msg("待領慢箋", "Refills due"),
  dueToday: msg("今日可領", "Due today"),
  dueWeek: msg("未來7日", "Next 7 days"),
  dueMissed: msg("逾期未領", "Missed"),
  log: msg("領藥日誌", "Refill log"),
  logFilter: msg(
    "期間 {from}–{to}  病人 {patient}  院所 {prescriber}  類別 {type}",
    "{from}–{to}  patient {patient}  prescriber {prescriber}  type {type}",
  ),
  all: msg("全部", "all"),
  promptFrom: msg("起始日期（如 113/03/01）：", "From date (e.g. 113/03/01): "),
  promptTo: msg("結束日期（如 113/03/31）：", "To date (e.g. 113/03/31): "),
  promptPatient: msg(
    "病人身分證號或姓名（姓名可打部分；空白＝全部）：",
    "Patient national ID or name (part of the name will do; empty = all): ",
  ),
  promptPrescriber: msg("處方院所代碼（空白＝全部）：", "Prescriber institution code (empty = all): "),
  dateInvalid: msg("日期格式錯誤：{text}", "Not a date: {text}"),
  exported: msg("已匯出：{path}", "Exported: {path}"),
  exportUnavailable: msg("匯出功能尚未安裝", "Export is not available"),
  outboxTitle: msg("上傳佇列", "Upload queue"),
  deadline: msg("期限", "deadline"),
  attempts: msg("次數", "tries"),
  uploadRun: msg(
    "上傳完成：送出 {uploaded}　接受 {accepted}　退件 {rejected}　失敗 {failed}",
    "Upload done: sent {uploaded}, accepted {accepted}, rejected {rejected}, failed {failed}",
  ),
  retried: msg("已排入重傳", "Queued for retry"),
  retryFailed: msg("無法重傳此筆", "This entry cannot be retried"),
  advice: msg("建議", "Advice"),
  codesTitle: msg("健保檢核錯誤代碼", "NHI check codes"),
  help: msg("說明", "Help"),
  quitConfirm: msg("確定結束 rxdesk？ Y 結束 ／ Esc 取消", "Quit rxdesk? Y quit / Esc cancel"),
  linuxConsole: msg("", "Linux console cannot draw Chinese: showing English (F2 switches)"),
  loading: msg("載入中…", "Loading…"),
  state: {
    pending: msg("待傳", "waiting"),
    uploading: msg("上傳中", "uploading"),
    uploaded: msg("已傳待查", "sent"),
    accepted: msg("已接受", "accepted"),
    rejected: msg("退件", "REJECTED"),
    withdrawn: msg("已撤回", "withdrawn"),
  },
  event: {
    dispensed: msg("調劑", "dispensed"),
    blocked: msg("擋下", "blocked"),
    cancelled: msg("註銷C", "cancelled C"),
    restored: msg("取消註銷E", "restored E"),
    deleted: msg("刪除D", "deleted D"),
    corrected: msg("更正", "corrected"),
    j000: msg("J000", "J000"),
    override: msg("覆核", "override"),
    incident: msg("異常事件", "incident"),
  },
  demoCases: msg(
    "示範處方（NHI 模擬環境）：掃描就醫識別碼；病人的健保卡以 rxdesk card virtual --profile … 插入",
    "Demo prescriptions (NHI sandbox): scan the visit ID; insert the patient's card with rxdesk card virtual --profile …",
  ),
  demoHint: msg(
    "示範資料已建立：按 F1 查看可掃描的示範就醫識別碼",
    "Demo data is ready: press F1 for visit IDs to scan",
  ),
} as const;

const k = (key: string, zh: string, en: string) => [key, msg(zh, en)] as const;

export const HINTS = {
  counter: [
    k("F1", "說明", "help"),
    k("F2", "EN", "中文"),
    k("F3", "紀錄", "recent"),
    k("F4", "待領", "due"),
    k("F5", "日誌", "log"),
    k("F6", "上傳", "queue"),
    k("F7", "代碼", "codes"),
    k("F10", "結束", "quit"),
    k("F12", "事件", "incidents"),
    k("Esc", "清除", "clear"),
  ],
  history: [
    k("↑↓", "選擇", "select"),
    k("D", "刪除", "delete"),
    k("C", "更正", "correct"),
    k("P", "提醒單", "slip"),
    k("Esc", "返回", "back"),
  ],
  due: [
    k("1", "今日", "today"),
    k("2", "未來7日", "next 7 days"),
    k("3", "逾期", "missed"),
    k("↑↓", "捲動", "scroll"),
    k("Esc", "返回", "back"),
  ],
  log: [
    k("F", "日期", "dates"),
    k("N", "病人", "patient"),
    k("R", "院所", "prescriber"),
    k("T", "類別", "type"),
    k("X", "清除", "clear"),
    k("E", "匯出CSV", " CSV"),
    k("P", "匯出PDF", " PDF"),
    k("↑↓", "捲動", "scroll"),
    k("Esc", "返回", "back"),
  ],
  outbox: [
    k("A", "全部", "all"),
    k("W", "待傳", "waiting"),
    k("R", "退件", "rejected"),
    k("↑↓", "選擇", "select"),
    k("Y", "重傳", "retry"),
    k("U", "立即上傳", "upload now"),
    k("Esc", "返回", "back"),
  ],
  codes: [k("A-Z0-9", "輸入篩選", "type to filter"), k("↑↓", "捲動", "scroll"), k("Esc", "清除/返回", "clear/back")],
  incidents: [
    k("↑↓", "選擇", "select"),
    k("Enter", "確認並註記", "acknowledge"),
    k("Tab", "待處理/全部", "open/all"),
    k("Esc", "返回", "back"),
  ],
  help: [k("↑↓", "捲動", "scroll"), k("Esc", "返回", "back")],
  back: [k("Esc", "返回", "back")],
} as const;

export const HELP_LINES: Message[] = [
  msg(
    "櫃台：掃描或輸入就醫識別碼 + Enter，畫面立即顯示可否調劑。",
    "Counter: scan or type a visit ID + Enter; the decision shows at once.",
  ),
  msg(
    "F9 確認調劑：斷線時選異常原因、填理由；J000 先按 1、2 確認；無法判斷時依紙本輸入。F8 提醒單。",
    "F9 confirms: NHI offline asks the cause and a reason, J000 keys 1 and 2, or enter from the paper. F8 slip.",
  ),
  msg(
    "F3 調劑紀錄：刪除（H01=D）或更正，皆需確認並輸入理由。",
    "F3 history: delete (H01=D) or correct, each confirmed with a reason.",
  ),
  msg(
    "F4 待領慢箋（今日／7日內／逾期）  F5 領藥日誌（篩選、匯出）",
    "F4 refills due (today / 7 days / missed)  F5 refill log (filters, export)",
  ),
  msg(
    "F6 上傳佇列：退件代碼與建議、重傳。24小時內須上傳。",
    "F6 upload queue: rejection codes and advice, retry. Upload within 24 h.",
  ),
  msg(
    "F7 健保檢核代碼查詢。F2 切換中文／English。Esc 一律返回。",
    "F7 NHI code lookup. F2 switches 中文/English. Esc always goes back.",
  ),
  msg(
    "F12 異常事件：健保署查核發現的衝突，確認並填寫處理說明。",
    "F12 incidents: conflicts NHI's re-check found; acknowledge each with a note.",
  ),
  msg(
    "F10 或 Ctrl+C 結束。I/O 誤打會自動更正為 1/0 並顯示。",
    "F10 or Ctrl+C quits. I/O typed for 1/0 are corrected and shown.",
  ),
  msg(
    "狀態列：健保署連線、上傳佇列（待傳、退件、最久等待）、讀卡機。",
    "Status bar: NHI link, upload queue (waiting, rejected, oldest), card reader.",
  ),
];
