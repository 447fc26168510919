/**
 * Every way reading an NHI card can fail, each with a zh-TW + English message for the pharmacist and a stable code
 * for programs (API, UI, logs).
 */
import { type Message, msg } from "../domain/message.js";

export const CARD_ERROR_CODES = [
  "pcscd-not-running",
  "no-reader",
  "reader-not-found",
  "reader-removed",
  "no-card",
  "card-mute",
  "card-removed",
  "reader-busy",
  "wrong-card",
  "short-response",
  "bad-status",
  "garbage",
  "transmit-failed",
] as const;

export type CardErrorCode = (typeof CARD_ERROR_CODES)[number];

export class CardError extends Error {
  readonly code: CardErrorCode;
  readonly reason: Message;
  readonly reader?: string;
  /** The low-level cause (PC/SC error text, status word, offending bytes), for logs. */
  readonly detail?: string;

  constructor(code: CardErrorCode, reason: Message, options: { reader?: string; detail?: string } = {}) {
    super(`${reason.en} (${code})${options.detail ? `: ${options.detail}` : ""}`);
    this.name = "CardError";
    this.code = code;
    this.reason = reason;
    this.reader = options.reader;
    this.detail = options.detail;
  }

  toPlain(): { code: CardErrorCode; message: Message; reader?: string; detail?: string } {
    return { code: this.code, message: this.reason, reader: this.reader, detail: this.detail };
  }
}

export function isCardError(error: unknown): error is CardError {
  return error instanceof CardError;
}

const R = (reader?: string) => (reader ? `「${reader}」` : "");
const Ren = (reader?: string) => (reader ? ` "${reader}"` : "");

export const cardErrors = {
  pcscdNotRunning: (detail?: string) =>
    new CardError(
      "pcscd-not-running",
      msg(
        "讀卡服務（pcscd）未啟動，無法讀取健保卡。請啟動 pcscd 後再試。",
        "The smart card service (pcscd) is not running, so the NHI card cannot be read. Start pcscd and try again.",
      ),
      { detail },
    ),
  noReader: () =>
    new CardError(
      "no-reader",
      msg("找不到讀卡機。請確認讀卡機已連接。", "No card reader found. Check that the reader is connected."),
    ),
  readerNotFound: (reader: string, available: readonly string[]) =>
    new CardError(
      "reader-not-found",
      msg(
        `找不到讀卡機${R(reader)}。可用的讀卡機：${available.length > 0 ? available.join("、") : "無"}`,
        `Card reader${Ren(reader)} not found. Available readers: ${available.length > 0 ? available.join(", ") : "none"}`,
      ),
      { reader },
    ),
  readerRemoved: (reader: string) =>
    new CardError(
      "reader-removed",
      msg(`讀卡機${R(reader)}已被移除。`, `Card reader${Ren(reader)} was disconnected.`),
      { reader },
    ),
  noCard: (reader?: string) =>
    new CardError(
      "no-card",
      msg(`讀卡機${R(reader)}中沒有卡片。請插入健保卡。`, `No card in reader${Ren(reader)}. Insert the NHI card.`),
      { reader },
    ),
  cardMute: (reader?: string, detail?: string) =>
    new CardError(
      "card-mute",
      msg(
        `卡片沒有回應${reader ? `（${reader}）` : ""}：可能插反、晶片髒污或損壞。請重新插卡；仍失敗請依異常作業處理（B000/B001 卡片不良）。`,
        `The card does not respond${reader ? ` (${reader})` : ""}: it may be inserted the wrong way round, dirty or damaged. Re-insert it; if it still fails, use the abnormal procedure (B000/B001 bad chip).`,
      ),
      { reader, detail },
    ),
  cardRemoved: (reader?: string, detail?: string) =>
    new CardError(
      "card-removed",
      msg(
        `讀卡途中卡片被取出${reader ? `（${reader}）` : ""}。請重新插卡。`,
        `The card was removed while it was being read${reader ? ` (${reader})` : ""}. Insert it again.`,
      ),
      { reader, detail },
    ),
  readerBusy: (reader?: string, detail?: string) =>
    new CardError(
      "reader-busy",
      msg(
        `讀卡機${R(reader)}正被其他程式使用（例如健保讀卡機控制軟體）。請稍後再試。`,
        `Card reader${Ren(reader)} is in use by another program (e.g. the NHI card control software). Try again shortly.`,
      ),
      { reader, detail },
    ),
  wrongCard: (reader?: string, detail?: string) =>
    new CardError(
      "wrong-card",
      msg(
        "這張卡片不是健保卡（找不到健保卡應用程式）。請確認插入的是健保IC卡。",
        "This is not an NHI card (the NHI application is missing). Check that the NHI IC card was inserted.",
      ),
      { reader, detail },
    ),
  shortResponse: (expected: number, got: number, reader?: string) =>
    new CardError(
      "short-response",
      msg(
        `健保卡回傳的資料不完整（應為 ${expected} 位元組，只收到 ${got}）。請重新插卡再讀一次。`,
        `The NHI card returned incomplete data (${expected} bytes expected, ${got} received). Re-insert the card and read it again.`,
      ),
      { reader, detail: `expected ${expected} bytes, got ${got}` },
    ),
  badStatus: (command: string, sw: number, meaning: Message, reader?: string) =>
    new CardError(
      "bad-status",
      msg(
        `健保卡拒絕「${command}」指令，狀態碼 ${swHex(sw)}（${meaning.zh}）。`,
        `The NHI card refused the ${command} command with status ${swHex(sw)} (${meaning.en}).`,
      ),
      { reader, detail: `SW=${swHex(sw)}` },
    ),
  garbage: (field: Message, detail: string, reader?: string) =>
    new CardError(
      "garbage",
      msg(
        `健保卡資料無法辨識：${field.zh}。卡片可能損壞，請依異常作業處理。`,
        `The NHI card data cannot be understood: ${field.en}. The card may be damaged; use the abnormal procedure.`,
      ),
      { reader, detail },
    ),
  transmitFailed: (reader?: string, detail?: string) =>
    new CardError(
      "transmit-failed",
      msg(
        `與讀卡機${R(reader)}通訊失敗。請重新插卡；仍失敗請檢查讀卡機。`,
        `Communication with card reader${Ren(reader)} failed. Re-insert the card; if it still fails, check the reader.`,
      ),
      { reader, detail },
    ),
};

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}
