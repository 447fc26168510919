/**
 * Taiwan national ID (身分證統一編號) and resident certificate numbers (居留證統一證號), with checksum.
 * New format: letter + digit (1/2 citizen, 8/9 resident) + 8 digits. Old resident format: two letters + 8 digits.
 */
import { type Message, msg } from "./message.js";

declare const nationalIdBrand: unique symbol;
export type NationalId = string & { readonly [nationalIdBrand]: true };

const LETTER_CODES: Record<string, number> = {
  A: 10,
  B: 11,
  C: 12,
  D: 13,
  E: 14,
  F: 15,
  G: 16,
  H: 17,
  I: 34,
  J: 18,
  K: 19,
  L: 20,
  M: 21,
  N: 22,
  O: 35,
  P: 23,
  Q: 24,
  R: 25,
  S: 26,
  T: 27,
  U: 28,
  V: 29,
  W: 32,
  X: 30,
  Y: 31,
  Z: 33,
};
const WEIGHTS = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];

export type NationalIdKind = "citizen" | "resident" | "resident-old";

export type NationalIdResult =
  | { valid: true; nationalId: NationalId; kind: NationalIdKind; sex: "M" | "F" | undefined }
  | { valid: false; reason: Message };

function digitsFor(id: string): number[] | undefined {
  const first = LETTER_CODES[id[0]!];
  if (first === undefined) return undefined;
  const second = id[1]!;
  const secondDigit = /[0-9]/.test(second) ? Number(second) : (LETTER_CODES[second] ?? -1) % 10;
  if (secondDigit < 0) return undefined;
  return [Math.floor(first / 10), first % 10, secondDigit, ...id.slice(2).split("").map(Number)];
}

export function checkNationalId(input: string): NationalIdResult {
  const id = input.trim().toUpperCase();
  const invalid = (zh: string, en: string): NationalIdResult => ({ valid: false, reason: msg(zh, en) });
  if (!/^[A-Z][0-9A-D][0-9]{8}$/.test(id)) {
    return invalid(
      `身分證號格式錯誤：應為1個英文字母加9碼數字（${JSON.stringify(input)}）`,
      `Malformed national ID: one letter followed by nine digits expected (${JSON.stringify(input)})`,
    );
  }
  const second = id[1]!;
  let kind: NationalIdKind;
  let sex: "M" | "F" | undefined;
  if (second === "1" || second === "2") {
    kind = "citizen";
    sex = second === "1" ? "M" : "F";
  } else if (second === "8" || second === "9") {
    kind = "resident";
    sex = second === "8" ? "M" : "F";
  } else if (/[A-D]/.test(second)) {
    kind = "resident-old";
    sex = second === "A" || second === "C" ? "M" : "F";
  } else {
    return invalid(`身分證號第2碼「${second}」不正確`, `National ID character 2 "${second}" is not valid`);
  }
  const digits = digitsFor(id)!;
  const sum = digits.reduce((acc, d, i) => acc + d * WEIGHTS[i]!, 0);
  if (sum % 10 !== 0) {
    return invalid(`身分證號檢查碼錯誤（${id}）`, `National ID checksum does not match (${id})`);
  }
  return { valid: true, nationalId: id as NationalId, kind, sex };
}

export function isNationalId(value: string): value is NationalId {
  return checkNationalId(value).valid && value === value.toUpperCase().trim();
}

/** Computes the check digit for the first nine characters (used by the sandbox and test data). */
export function nationalIdCheckDigit(first9: string): number {
  const digits = digitsFor(`${first9}0`);
  if (!digits) throw new RangeError(`cannot compute a check digit for ${first9}`);
  const partial = digits.slice(0, 10).reduce((acc, d, i) => acc + d * WEIGHTS[i]!, 0);
  return (10 - (partial % 10)) % 10;
}

/** `A123456789` → `A12****789`, for logs and roles that need no more. */
export function maskNationalId(id: string): string {
  if (id.length < 6) return "*".repeat(id.length);
  return `${id.slice(0, 3)}${"*".repeat(id.length - 6)}${id.slice(-3)}`;
}
/**
 * Anything shaped like a national ID (new or old resident format) inside free text, in ASCII or typed with a
 * Chinese IME's full-width letters and digits (the API normalises those, so they name the same person).
 */
const NATIONAL_ID_IN_TEXT =
  /(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])[A-Za-zＡ-Ｚａ-ｚ][0-9A-Da-d０-９Ａ-Ｄａ-ｄ][0-9０-９]{8}(?![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])/g;

/** Masks ID-shaped words in text that is already decoded (see `maskNationalIdsForLog`); nothing else changes. */
export function maskNationalIdsInText(text: string): string {
  return text.replace(NATIONAL_ID_IN_TEXT, (id) => maskNationalId(id));
}
