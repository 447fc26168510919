/**
 * The words of the paper entry form, its flow and the incidents its re-checks find (zh-TW and English); part of
 * the UI's catalogue (./i18n.tsx).
 */
import { msg } from "../src/domain/message.js";

export const PAPER_TEXT = {
  paperKey: msg("F9 依紙本輸入處方", "F9 enter from the paper"),
  // The big words of a scan that offers the paper form: what can be done, and beside it why.
  paperBig: msg("依 紙 本 輸 入", "ENTER FROM THE PAPER"),
  paperWhy: {
    "nhi-unreachable": msg(
      "健保署無法連線，本機無此處方：可依紙本處方箋輸入",
      "NHI unreachable and never seen here: enter it from the paper",
    ),
    "not-uploaded": msg(
      "原處方院所尚未上傳此處方（D024）：可依紙本處方箋輸入",
      "The prescriber has not uploaded it yet (D024): enter it from the paper",
    ),
    sm00: msg(
      "舊式處方箋（SM00），健保署無法查詢：可依紙本處方箋輸入",
      "A pre-2.0 paper (SM00) NHI cannot look up: enter it from the paper",
    ),
  },
  paperTitle: msg(
    "依紙本輸入處方（健保署無法確認此處方；調劑後待健保署查核）",
    "From the paper (NHI cannot confirm it; re-checked later)",
  ),
  paperCardPatient: msg("健保卡", "card"),
  paperField: {
    m16: msg("原處方就醫識別碼", "Visit ID (M16)"),
    m17: msg("處方院所代碼", "Prescriber (M17)"),
    name: msg("處方院所名稱", "Prescriber name"),
    m18: msg("原處方就醫序號", "Seq. no. (M18)"),
    m19: msg("原就診日期時間", "Visit time (M19)"),
    chronic: msg("慢性病連續處方", "Chronic (Y/N)"),
    m33: msg("本次第幾次", "This refill (M33)"),
    m26: msg("可調劑次數", "Refills (M26)"),
    m20: msg("每次給藥日份", "Days each (M20)"),
    orders: msg("藥品", "Drugs"),
    nationalId: msg("病人身分證號", "Patient ID"),
    m04: msg("病人出生日期", "Birth date (M04)"),
    typedReason: msg("未讀卡理由", "Why no card"),
  },
  paperFieldHint: {
    m16: msg(
      "處方箋上的就醫識別碼（20碼）；2.0格式前的處方為 SM00 開頭",
      "The visit ID printed on the paper (20 characters); SM00… on a pre-2.0 paper",
    ),
    m17: msg("開立處方之醫事機構代碼（10碼）", "The prescribing institution's code (10 characters)"),
    name: msg("可空白", "May be left empty"),
    m18: msg(
      "處方箋上的就醫序號（4碼）；慢箋第2次以後無序號則留空（須確認 J000）",
      "Sequence no. on the paper (4 chars); empty on refill 2+ means J000",
    ),
    m19: msg("如 113/03/20 13:39", "e.g. 113/03/20 13:39"),
    chronic: msg("Y 慢性病連續處方箋／N 一般處方", "Y chronic refill prescription / N single prescription"),
    m33: msg("本次為第幾次調劑（一般處方為 1）", "Which refill this is (1 for a single prescription)"),
    m26: msg("可調劑次數（慢箋 2–4，一般處方 1）", "Refills in all (2–4 chronic, 1 otherwise)"),
    m20: msg("每次給藥日份（天）", "Days supplied per refill"),
    orders: msg(
      "代碼 總量 [頻率]，多項以逗號分隔：AC12345100 56 BID, BC23456100 28",
      "code qty [freq], comma between: AC12345100 56 BID, BC23456100 28",
    ),
    nationalId: msg("未讀卡：依處方箋輸入病人身分證號", "No card: the patient's national ID from the paper"),
    m04: msg(
      "民國出生日期，如 075/03/15（未讀卡時依處方箋）",
      "ROC birth date, e.g. 075/03/15 (from the paper when no card)",
    ),
    typedReason: msg(
      "未讀卡理由（將記錄；病人須於10日內補卡）",
      "Why no card was read (recorded; the card within 10 days)",
    ),
  },
  paperHintNext: msg("下一欄", "next"),
  paperHintPrevious: msg("上一欄", "back"),
  paperHintCheck: msg("檢查", "check"),
  d024Prompt: msg(
    "D024：慢箋第2次以後，原處方院所仍未上傳此處方。仍要調劑請輸入理由（將記錄）後按 Enter（Esc 返回）",
    "D024: refill 2+ and the prescriber has still not uploaded it. To dispense anyway type a reason (recorded), then Enter (Esc back)",
  ),
  donePaper: msg("依紙本輸入（{cause}），待健保署查核", "Entered from the paper ({cause}); NHI re-check pending"),
  incidentsTitle: msg("異常事件（健保署查核結果）", "Incidents (NHI re-check results)"),
  incidentsOpen: msg("待處理", "open"),
  incidentsBanner: msg(
    "！異常事件 {n} 件待藥師處理：F12 查看並確認",
    "! {n} incident(s) for the pharmacist in charge: F12 to review",
  ),
  incidentKind: {
    "dispensed-elsewhere": msg("他院已調劑", "dispensed elsewhere"),
    cancelled: msg("處方已註銷", "cancelled"),
    "details-differ": msg("處方內容不符", "details differ"),
    "not-uploaded": msg("院所仍未上傳", "not uploaded"),
    "invalid-visit-id": msg("就醫識別碼無效", "invalid visit ID"),
  },
  incidentDone: msg("已確認", "acknowledged"),
  incidentWho: msg("調劑藥師 {pharmacist}　調劑紀錄 {dispensing}", "dispensed by {pharmacist}, record {dispensing}"),
  incidentOther: msg("他院所 {other}", "other institution {other}"),
  incidentDifference: msg("{field}：輸入 {typed}／健保署 {nhi}", "{field}: typed {typed} / NHI {nhi}"),
  incidentAckBy: msg("{pharmacist} 於 {at} 確認：{note}", "acknowledged by {pharmacist} at {at}: {note}"),
  incidentAckHint: msg("Enter 確認此事件並填寫處理說明", "Enter acknowledges it with a note"),
  incidentNotePrompt: msg(
    "處理說明（將記錄）後按 Enter（Esc 取消）",
    "What was done about it (recorded), then Enter (Esc cancels)",
  ),
  incidentAcknowledged: msg("已確認，已記錄", "Acknowledged and recorded"),
} as const;
