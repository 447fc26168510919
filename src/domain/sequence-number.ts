/**
 * NHI visit sequence number (就醫序號, M13/M18): 4 characters. A card sequence (0001–9999), a virtual-card
 * sequence (V + 3), or an abnormal code (異常就醫序號) from the NHI table (seed 004 §異常代碼對照表).
 */
import { type Message, msg } from "./message.js";

export interface AbnormalCode {
  code: string;
  /** The paired code once a sequence number was already obtained (A000 → A001). */
  pairedWithObtained?: string;
  /** true when this is the "already obtained" member of a pair. */
  obtained: boolean;
  meaning: Message;
  /** Needs the 健保卡作業異常狀況報備單 when the 24-hour deadline is missed. */
  reportFormIfLate: boolean;
}

type Row = [codes: string[], zh: string, en: string, reportFormIfLate: boolean];

const ROWS: Row[] = [
  [["A000", "A001"], "讀卡設備故障", "card equipment failure", true],
  [["A010", "A011"], "讀卡機故障", "card reader failure", true],
  [["A020", "A021"], "網路故障造成讀卡機無法使用", "network failure disables the reader", true],
  [["A030", "A031"], "安全模組故障造成讀卡機無法使用", "security module failure disables the reader", true],
  [["B000", "B001"], "卡片不良（表面正常，晶片異常）", "bad card (chip failure)", false],
  [["C000"], "停電", "power cut", true],
  [["C001"], "例外就醫者", "exception visit (例外就醫)", false],
  [["D000", "D001"], "醫療資訊系統（HIS）當機／電腦死當", "HIS down / computer dead", true],
  [["D010", "D011"], "醫療院所電腦故障", "institution computer failure", true],
  [["E000"], "健保署資訊系統當機（限健保署確認公布之當機時間）", "NHI system down (only outages NHI confirms)", true],
  [["E001"], "控卡名單已簽切結書", "controlled-card list, declaration signed", false],
  [["F000"], "偏遠地區居家醫療照護無上網設備", "home care in remote areas without connectivity", false],
  [["F00B"], "居家輕量藍牙方案之離線認卡", "home-care Bluetooth offline card check", false],
  [["G000"], "新特約院所，VPN尚未開通", "newly contracted institution before its VPN works", false],
  [["Z000", "Z001"], "無法取得健保卡密碼（病人拒絕）", "card PIN not available (patient refuses)", false],
  [
    ["J000"],
    "住院中健保卡已歸還，無法取得健保卡；慢箋第2次以後無法得知原處方就醫序號時亦填此碼",
    "inpatient card returned; also the original sequence number (M18) fallback for refills 2+",
    false,
  ],
  [["IC98"], "未加保之移植捐贈者", "uninsured transplant donor", false],
  [["IC09"], "無健保身分愛滋病患／法定傳染病就醫", "uninsured HIV / notifiable disease patient", false],
  [["CV19"], "COVID-19快篩及PCR結果上傳（有健保身分）", "COVID-19 test upload (insured)", false],
  [["FORE"], "COVID-19快篩及PCR結果上傳（無健保身分）", "COVID-19 test upload (uninsured)", false],
  [["TM01"], "遠距醫療試辦計畫", "telemedicine pilot", false],
  [["HVIT"], "COVID-19期間通訊診療", "COVID-19 remote consultation", false],
  [["MSPT"], "代謝症候群防治計畫", "metabolic syndrome programme", false],
  [["ICND"], "未具健保身分生產案件", "uninsured childbirth", false],
  [["ICC4"], "癌症治療品質計畫", "cancer care quality programme", false],
];

export const ABNORMAL_CODES: ReadonlyMap<string, AbnormalCode> = new Map(
  ROWS.flatMap(([codes, zh, en, reportFormIfLate]) =>
    codes.map((code, i): [string, AbnormalCode] => [
      code,
      {
        code,
        pairedWithObtained: codes.length === 2 && i === 0 ? codes[1] : undefined,
        obtained: codes.length === 2 && i === 1,
        meaning: msg(zh, en),
        reportFormIfLate,
      },
    ]),
  ),
);

export type SequenceNumberKind = "card" | "virtual-card" | "abnormal";

export type SequenceNumberResult =
  | { valid: true; value: string; kind: SequenceNumberKind; abnormal?: AbnormalCode }
  | { valid: false; reason: Message };

export function checkSequenceNumber(input: string): SequenceNumberResult {
  const value = input.trim().toUpperCase();
  if (/^\d{4}$/.test(value) && value !== "0000") return { valid: true, value, kind: "card" };
  if (/^V\d{3}$/.test(value)) return { valid: true, value, kind: "virtual-card" };
  const abnormal = ABNORMAL_CODES.get(value);
  if (abnormal) return { valid: true, value, kind: "abnormal", abnormal };
  return {
    valid: false,
    reason: msg(
      `就醫序號應為4碼數字、V開頭虛擬卡序號或異常代碼（${JSON.stringify(input)}）`,
      `A sequence number is 4 digits, a V… virtual-card number or an abnormal code (${JSON.stringify(input)})`,
    ),
  };
}

export function isAbnormalCode(value: string): boolean {
  return ABNORMAL_CODES.has(value);
}
