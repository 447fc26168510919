/**
 * NHI check-result error codes (錯誤原因代碼) with their meaning and what the pharmacist should do.
 *
 * Error codes only: C001, D001 and E001 are also abnormal sequence codes (異常就醫序號, see
 * `src/domain/sequence-number.ts`); here they always mean the check error. Sources: domain.md §3, §4 and §7 —
 * AA is from seed 000, the others are [public] and should be verified against the official spec.
 */
import { type Message, msg } from "../domain/message.js";

export type NhiCodeSource = "nhi" | "rxdesk";

export interface NhiCodeDescription {
  code: string;
  known: boolean;
  /** "rxdesk" for local findings that NHI has no code for (e.g. XML that cannot be read at all). */
  source: NhiCodeSource;
  message: Message;
  advice: Message;
}

type Row = [code: string, zh: string, en: string, adviceZh: string, adviceEn: string];

const FIX_RESEND_ZH = "修正後於次月費用申報前重新上傳（同一M15，後蓋前）";
const FIX_RESEND_EN = "fix it and upload again with the same M15 before the monthly claim (the last upload wins)";

const ROWS: Row[] = [
  [
    "AA",
    "欄位資料必填寫",
    "required field is missing",
    `補填該欄位，${FIX_RESEND_ZH}`,
    `fill in the field, then ${FIX_RESEND_EN}`,
  ],
  [
    "AB",
    "欄位資料型態錯誤",
    "wrong data type or value",
    `依格式更正該欄位，${FIX_RESEND_ZH}`,
    `correct the field's format, then ${FIX_RESEND_EN}`,
  ],
  [
    "AC",
    "欄位資料長度錯誤",
    "wrong length",
    `更正欄位長度，${FIX_RESEND_ZH}`,
    `correct the field's length, then ${FIX_RESEND_EN}`,
  ],
  [
    "AF",
    "欄位資料應為空值",
    "field must be empty",
    `清空該欄位，${FIX_RESEND_ZH}`,
    `clear the field, then ${FIX_RESEND_EN}`,
  ],
  [
    "AG",
    "醫令筆數超過上限（每筆最多500筆MB2）",
    "too many order lines (at most 500 MB2 per record)",
    "請資訊廠商將醫令拆分或檢查資料",
    "ask the software vendor to check the order lines",
  ],
  [
    "AD02",
    "異常上傳（H01=B）之就醫序號須為異常就醫序號",
    "an abnormal upload (H01=B) needs an abnormal code in M13",
    "M13填入實際發生之異常代碼（如A000、C000、Z000），或改以H01=A正常上傳",
    "put the abnormal code that applies (e.g. A000, C000, Z000) in M13, or upload as H01=A",
  ],
  [
    "AD14",
    "藥局調劑（M07=AF）正常上傳時就醫序號須為空值",
    "a pharmacy record (M07=AF) with H01=A must leave M13 empty",
    "清空M13（原處方就醫序號填於M18）後重新上傳",
    "clear M13 (the prescriber's number goes in M18) and upload again",
  ],
  [
    "AD23",
    "藥局之就醫類別須為AF",
    "a pharmacy must use visit category AF",
    "M07改為AF後重新上傳",
    "set M07 to AF and upload again",
  ],
  [
    "C001",
    "資料重複（主鍵值重複）",
    "duplicate key",
    "確認是否重複上傳；更正請以相同M15再上傳",
    "check for a duplicate upload; correct by re-uploading with the same M15",
  ],
  [
    "D001",
    "無可刪除、註銷或取消註銷之資料",
    "nothing to delete, cancel or restore",
    "確認M15與原上傳資料相符，或該筆是否已刪除",
    "check that M15 matches the original upload and that it was not already deleted",
  ],
  [
    "D002",
    "就醫識別碼（M15/M16/M52）檢核錯誤",
    "the visit ID (M15/M16/M52) fails verification",
    "重新掃描或核對處方箋上之就醫識別碼，勿手動猜測",
    "rescan or recheck the visit ID on the prescription; never guess characters",
  ],
  [
    "D003",
    "就醫識別碼與身分證號不符",
    "the visit ID belongs to another person",
    "核對病人身分與處方箋是否為同一人",
    "check that the patient and the prescription belong together",
  ],
  [
    "D004",
    "就醫識別碼與醫事機構代碼不符",
    "the visit ID belongs to another institution",
    "核對M17原處方機構代碼與M16",
    "check M17 (prescriber's code) against M16",
  ],
  [
    "D005",
    "就醫識別碼與就醫日期時間不符",
    "the visit ID does not match the visit date-time",
    "核對M11／M19是否與取號時之日期時間一致",
    "check M11 / M19 against the date-time of the card pass",
  ],
  [
    "D007",
    "原就診日期時間須早於本次就醫日期時間",
    "the original visit date-time (M19) must be before ours (M11)",
    "核對處方箋上之就醫日期時間",
    "check the visit date-time printed on the prescription",
  ],
  [
    "D008",
    "慢性病連續處方箋總給藥日份須為給藥日份之倍數",
    "chronic total days (M21) must be a multiple of days supplied (M20)",
    "核對處方箋之給藥日份與總日份",
    "check days per refill and total days on the prescription",
  ],
  [
    "D014",
    "慢性病連續處方箋可調劑次數須為2至4次",
    "chronic refill count (M26) must be 2 to 4",
    "核對處方箋之可調劑次數",
    "check the refill count on the prescription",
  ],
  [
    "D016",
    "慢性病連續處方箋次數不可減少",
    "refill count may not be reduced",
    "請原處方院所確認處方內容",
    "ask the prescriber to confirm the prescription",
  ],
  [
    "D019",
    "已調劑次數大於可調劑次數",
    "refill number (M33) is greater than the refill count (M26)",
    "核對本次為第幾次調劑",
    "check which refill this is",
  ],
  [
    "D022",
    "慢性病連續處方箋調劑次序或期間錯誤",
    "refill out of order or outside its window",
    "確認前次已調劑且在領藥期間內（前次用完前10日內）",
    "check that the previous refill was dispensed and that this is within the window (10 days before it runs out)",
  ],
  [
    "D023",
    "該次慢性病連續處方箋已註銷",
    "this refill was cancelled (C)",
    "勿調劑；請病人洽原處方院所",
    "do not dispense; send the patient back to the prescriber",
  ],
  [
    "D024",
    "原處方院所未上傳該處方",
    "the prescriber never uploaded the prescription",
    "聯絡原處方院所上傳，之後再重新上傳",
    "ask the prescriber to upload it, then upload again",
  ],
  [
    "D025",
    "該次處方已於其他醫事機構調劑（重複調劑）",
    "this refill was already dispensed elsewhere (duplicate dispensing)",
    "立即通知藥師主管，查核是否重複調劑；勿再調劑",
    "tell the pharmacist in charge at once and check for duplicate dispensing; do not dispense again",
  ],
  [
    "D028",
    "醫令序號重複",
    "duplicate order number (D03)",
    "更正MB2之醫令序號使其不重複",
    "make the order numbers (D03) unique",
  ],
  [
    "D034",
    "無可註銷之慢性病連續處方箋次數",
    "no refill left to cancel",
    "確認處方狀態",
    "check the prescription's status",
  ],
  [
    "D035",
    "後續次數已於其他醫事機構調劑，不可刪除",
    "cannot delete: a later refill was dispensed elsewhere",
    "改以更正（H01=A，同一M15）處理",
    "correct the record instead (H01=A with the same M15)",
  ],
  [
    "D038",
    "未曾註銷，不可取消註銷",
    "E without a prior C",
    "確認該次是否曾註銷",
    "check whether the refill was ever cancelled",
  ],
  [
    "D049",
    "原就醫識別碼查無資料（原處方為他院所）",
    "the original visit ID (M16) was not found (prescriber elsewhere)",
    "核對M16與M17，必要時聯絡原處方院所",
    "check M16 and M17; contact the prescriber if needed",
  ],
  [
    "D051",
    "原就醫識別碼與原處方機構不符",
    "the original visit ID (M16) does not match M17",
    "核對M16與M17",
    "check M16 against M17",
  ],
  [
    "D053",
    "調劑資料不可使用資料格式C或E",
    "a dispensing record may not use H01=C or E",
    "調劑紀錄請以A或B上傳；註銷須由原處方院所辦理",
    "upload dispensing records as A or B; only the prescriber cancels",
  ],
  [
    "D054",
    "補卡註記為4時實際就醫識別碼須為MISS0000000000000000",
    "M12=4 needs M52 = MISS0000000000000000",
    "M52填入MISS0000000000000000並填報報備單",
    "put MISS0000000000000000 in M52 and file the report form",
  ],
  ["D058", "醫事機構代碼錯誤", "invalid institution code", "核對醫事機構代碼", "check the institution code"],
  [
    "D059",
    "無健保卡就醫不得開立慢性病連續處方箋",
    "no chronic prescription for a visit without a card",
    "確認病人是否有健保卡就醫",
    "check that the visit was made with the NHI card",
  ],
  [
    "D064",
    "處方種類與可調劑次數不符",
    "prescription kind (D04) does not match the counts (M24–M29)",
    "核對醫令之處方種類與可調劑次數",
    "check the order's prescription kind against the counts",
  ],
  ["D065", "藥品替代註記錯誤", "wrong substitution flag", "核對是否替代調劑", "check whether a substitution was made"],
  [
    "D068",
    "SM00僅限2.0實施前之就醫",
    "SM00 only for visits before the institution switched to 2.0",
    "以處方箋上實際之就醫識別碼上傳",
    "use the visit ID printed on the prescription",
  ],
  [
    "D069",
    "異常取得之就醫識別碼檢核錯誤",
    "visit ID obtained offline fails its check",
    "核對異常就醫序號與就醫識別碼之取得方式",
    "check how the offline visit ID was obtained",
  ],
  [
    "D070",
    "異常取得之就醫識別碼檢核錯誤",
    "visit ID obtained offline fails its check",
    "核對異常就醫序號與就醫識別碼之取得方式",
    "check how the offline visit ID was obtained",
  ],
  [
    "D071",
    "異常取得之就醫識別碼檢核錯誤",
    "visit ID obtained offline fails its check",
    "核對異常就醫序號與就醫識別碼之取得方式",
    "check how the offline visit ID was obtained",
  ],
  [
    "D072",
    "異常取得之就醫識別碼檢核錯誤",
    "visit ID obtained offline fails its check",
    "核對異常就醫序號與就醫識別碼之取得方式",
    "check how the offline visit ID was obtained",
  ],
  [
    "D073",
    "該次慢性病連續處方箋已註銷，不可調劑",
    "refill cancelled (C), cannot be dispensed",
    "勿調劑；請病人洽原處方院所",
    "do not dispense; send the patient back to the prescriber",
  ],
  [
    "D074",
    "就醫識別碼無效，無法查核處方狀態",
    "invalid visit ID, the prescription's status cannot be checked",
    "重新掃描處方箋之就醫識別碼",
    "rescan the visit ID on the prescription",
  ],
  [
    "J000",
    "原處方就醫序號無法取得",
    "prescriber's sequence number unavailable",
    "先查雲端藥歷或洽原處方院所；確實無法取得才填J000並記錄原因",
    "look in the cloud medication record or ask the clinic first; use J000 only when impossible and log why",
  ],
  [
    "Y000",
    "已改用2.0格式，不可再以1.0上傳",
    "already on format 2.0, 1.0 uploads are refused",
    "以2.0格式上傳",
    "upload in format 2.0",
  ],
  [
    "Y006",
    "XML缺少</REC>結束標籤",
    "XML is missing </REC>",
    "請資訊廠商修正產檔程式後重新上傳",
    "have the software fixed, then upload again",
  ],
  [
    "Y007",
    "XML缺少</RECS>結束標籤",
    "XML is missing </RECS>",
    "請資訊廠商修正產檔程式後重新上傳",
    "have the software fixed, then upload again",
  ],
  [
    "Y012",
    "就醫類別AE、AF須有醫令（MB2）資料",
    "visit categories AE/AF need at least one order line (MB2)",
    "補上調劑之醫令後重新上傳",
    "add the dispensed order lines and upload again",
  ],
  [
    "Y014",
    "含非Big5字元",
    "contains a character outside Big5",
    "改用Big5可表示之字（勿用造字或罕用字），重新上傳",
    "replace the character with one Big5 can encode (no user-defined or rare characters) and upload again",
  ],
  [
    "Y015",
    "檔案含一個以上<RECS>，整個檔案退件",
    "more than one <RECS>: the whole file is rejected",
    "請資訊廠商修正後整檔重新上傳",
    "have the software fixed and upload the whole file again",
  ],
];

const LOCAL_ROWS: Row[] = [
  [
    "XML",
    "XML格式錯誤，無法讀取（本機檢查）",
    "malformed XML that cannot be read (local check)",
    "請資訊廠商檢查產檔程式",
    "have the software vendor check the file generator",
  ],
];

const TABLE: ReadonlyMap<string, NhiCodeDescription> = new Map([
  ...ROWS.map(([code, zh, en, az, ae]): [string, NhiCodeDescription] => [
    code,
    { code, known: true, source: "nhi", message: msg(zh, en), advice: msg(az, ae) },
  ]),
  ...LOCAL_ROWS.map(([code, zh, en, az, ae]): [string, NhiCodeDescription] => [
    code,
    { code, known: true, source: "rxdesk", message: msg(zh, en), advice: msg(az, ae) },
  ]),
]);

/** Every code this dictionary knows. */
export const NHI_ERROR_CODES: readonly string[] = [...TABLE.keys()];

export function isKnownNhiCode(code: string): boolean {
  return TABLE.has(code.trim().toUpperCase());
}

/** Meaning and advice for an error code; unknown codes are described as such, never dropped. */
export function describeNhiCode(code: string): NhiCodeDescription {
  const key = code.trim().toUpperCase();
  const hit = TABLE.get(key);
  if (hit) return hit;
  return {
    code: key,
    known: false,
    source: "nhi",
    message: msg(`未知的錯誤代碼${key}`, `unknown error code ${key}`),
    advice: msg(
      "請查閱「健保卡資料上傳格式2.0作業說明」或洽健保署／資訊廠商",
      "look it up in the upload format 2.0 specification or ask NHI / the software vendor",
    ),
  };
}
