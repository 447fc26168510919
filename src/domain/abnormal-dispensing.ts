/**
 * Dispensing without a normal card pass (異常過卡): the pharmacist confirms the cause, and the record goes up with
 * H01=B and M13 = that cause's abnormal code. The codes a counter may choose are the ones seed 000
 * (§異常過卡情境-處理方式) sends through the offline API 1.54: reader trouble A000/A001, A010/A011, network
 * A020/A021, security module A030/A031, chip B000, exception visit C001, and E000 only when NHI's own system or
 * VPN is down (seed 004 異常代碼對照表; NHI confirms those outages). A dead network at the pharmacy is A020, so
 * that is what the counter suggests when NHI cannot be reached.
 */
import { type Message, msg } from "./message.js";
import { ABNORMAL_CODES } from "./sequence-number.js";

export const COUNTER_ABNORMAL_CODES = [
  "A000",
  "A001",
  "A010",
  "A011",
  "A020",
  "A021",
  "A030",
  "A031",
  "B000",
  "C001",
  "E000",
] as const;
export type CounterAbnormalCode = (typeof COUNTER_ABNORMAL_CODES)[number];

/** What the counter suggests when NHI cannot be reached: our network (網路故障造成讀卡機無法使用). */
export const SUGGESTED_ABNORMAL_CODE: CounterAbnormalCode = "A020";

export function isCounterAbnormalCode(code: string): code is CounterAbnormalCode {
  return (COUNTER_ABNORMAL_CODES as readonly string[]).includes(code);
}

/** The code's meaning as NHI's table words it (zh-TW and English). */
export function abnormalCodeMeaning(code: CounterAbnormalCode): Message {
  return ABNORMAL_CODES.get(code)!.meaning;
}

export type AbnormalCodeCheck = { valid: true; code: CounterAbnormalCode } | { valid: false; reason: Message };

/** The pharmacist's choice (default: the suggestion), or why it cannot be used at the counter. */
export function checkCounterAbnormalCode(input: string | undefined): AbnormalCodeCheck {
  const code = (input ?? SUGGESTED_ABNORMAL_CODE).trim().toUpperCase();
  if (isCounterAbnormalCode(code)) return { valid: true, code };
  const list = COUNTER_ABNORMAL_CODES.join("、");
  return {
    valid: false,
    reason: msg(
      `異常代碼 ${code} 不能用於藥局異常過卡；請依原因選擇：${list}`,
      `Abnormal code ${code} cannot be used for dispensing without a card pass; choose by cause: ${list}`,
    ),
  };
}
