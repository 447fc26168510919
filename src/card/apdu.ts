/**
 * The APDUs rxdesk sends to an NHI IC card (健保IC卡) and the status words it may answer. Pure: bytes in, bytes out.
 * Only the basic-data read is done here; writing the card needs NHI's control software and a SAM.
 */
import { type Message, msg } from "../domain/message.js";
import { cardErrors } from "./errors.js";

/** Application identifier of the NHI card's basic-data application. */
export const NHI_AID = Uint8Array.of(0xd1, 0x58, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0);

/** SELECT by AID (CLA 00, INS A4, P1 04 = by name, P2 00), Lc 16, no Le: 21 bytes. */
export const SELECT_NHI_APPLICATION = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, NHI_AID.length, ...NHI_AID);

/** READ PROFILE (basic data) as NHI-reading software sends it. */
export const READ_PROFILE = Uint8Array.of(0x00, 0xca, 0x11, 0x00, 0x02, 0x00, 0x00);

/** Bytes of basic data the card returns before the status word. */
export const PROFILE_LENGTH = 57;

export const SW_OK = 0x9000;

export interface ApduResponse {
  data: Uint8Array;
  /** Status word SW1 SW2 as one number, e.g. 0x9000. */
  sw: number;
}

/** Splits a response APDU into data and status word; fewer than two bytes is a short response. */
export function parseResponse(bytes: Uint8Array, reader?: string): ApduResponse {
  if (bytes.length < 2) throw cardErrors.shortResponse(2, bytes.length, reader);
  const n = bytes.length;
  return { data: bytes.subarray(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

const EXACT: Record<number, Message> = {
  36864: msg("成功", "success"),
  25217: msg("回傳資料可能損毀", "returned data may be corrupted"),
  25219: msg("所選檔案已失效", "selected file invalidated"),
  25600: msg("卡片執行錯誤", "execution error"),
  25985: msg("記憶體錯誤", "memory failure"),
  26368: msg("長度錯誤", "wrong length"),
  26753: msg("不支援的邏輯通道", "logical channel not supported"),
  26754: msg("不支援安全傳訊", "secure messaging not supported"),
  27010: msg("未通過安全認證", "security status not satisfied"),
  27011: msg("認證方法已鎖定", "authentication method blocked"),
  27013: msg("使用條件不符", "conditions of use not satisfied"),
  27014: msg("指令不允許", "command not allowed"),
  27264: msg("資料欄位參數錯誤", "incorrect data field"),
  27265: msg("不支援此功能", "function not supported"),
  27266: msg("找不到應用程式或檔案", "application or file not found"),
  27270: msg("參數 P1/P2 錯誤", "incorrect P1/P2"),
  27272: msg("找不到參考資料", "referenced data not found"),
  27392: msg("參數錯誤", "wrong parameters"),
  27904: msg("不支援此指令", "instruction not supported"),
  28160: msg("不支援此指令類別", "class not supported"),
  28416: msg("卡片內部錯誤", "no precise diagnosis"),
};

/** What a status word means, for messages and logs. */
export function describeStatusWord(sw: number): Message {
  const exact = EXACT[sw];
  if (exact) return exact;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return msg(`尚有 ${sw2} 位元組資料`, `${sw2} more bytes available`);
  if (sw1 === 0x6c) return msg(`長度應為 ${sw2}`, `wrong Le, ${sw2} expected`);
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0)
    return msg(`驗證失敗，剩 ${sw2 & 0x0f} 次`, `verification failed, ${sw2 & 0x0f} tries left`);
  if (sw1 === 0x62 || sw1 === 0x63) return msg("警告", "warning");
  if (sw1 === 0x64 || sw1 === 0x65) return msg("卡片執行錯誤", "execution error");
  if (sw1 === 0x69) return msg("指令不允許", "command not allowed");
  if (sw1 === 0x6a) return msg("參數錯誤", "wrong parameters");
  return msg("未知的狀態碼", "unknown status word");
}

/** GET RESPONSE, for T=0 readers that answer 61xx. */
export function getResponse(length: number): Uint8Array {
  return Uint8Array.of(0x00, 0xc0, 0x00, 0x00, length & 0xff);
}

/** The same command with Le replaced, for cards that answer 6Cxx. */
export function withLe(command: Uint8Array, le: number): Uint8Array {
  const out = Uint8Array.from(command);
  out[out.length - 1] = le & 0xff;
  return out;
}

/** Checks the SELECT answer: 9000 (or 61xx: more data follows) = NHI card; 6A82 & co. = some other card. */
export function checkSelectResponse(response: ApduResponse, reader?: string): void {
  if (response.sw === SW_OK || response.sw >> 8 === 0x61) return;
  const meaning = describeStatusWord(response.sw);
  const sw1 = response.sw >> 8;
  if (sw1 === 0x6a || sw1 === 0x6d || sw1 === 0x6e || response.sw === 0x6986 || response.sw === 0x6700) {
    throw cardErrors.wrongCard(
      reader,
      `SELECT NHI AID answered ${response.sw.toString(16).toUpperCase()} (${meaning.en})`,
    );
  }
  throw cardErrors.badStatus("SELECT", response.sw, meaning, reader);
}

/** Checks the READ PROFILE answer and returns exactly the 57 profile bytes. */
export function checkProfileResponse(response: ApduResponse, reader?: string): Uint8Array {
  if (response.sw !== SW_OK) {
    throw cardErrors.badStatus("READ PROFILE", response.sw, describeStatusWord(response.sw), reader);
  }
  if (response.data.length < PROFILE_LENGTH) {
    throw cardErrors.shortResponse(PROFILE_LENGTH, response.data.length, reader);
  }
  return response.data.subarray(0, PROFILE_LENGTH);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not hex bytes: ${JSON.stringify(hex)}`);
  return Uint8Array.from(Buffer.from(clean, "hex"));
}
