/**
 * The NHI card's basic data (基本資料), 57 bytes as READ PROFILE returns them:
 *   [0:12] card number (卡片號碼), [12:32] name (姓名, Big5, space or NUL padded), [32:42] national ID (身分證號),
 *   [42:49] birth date (出生日期, ROC yyyMMdd), [49] sex M/F, [50:57] card issue date (發卡日期, ROC).
 * Pure: decoding validates every field and names the first bad one.
 */

import type { CardIdentity } from "../domain/identity.js";
import { msg } from "../domain/message.js";
import { checkNationalId, type NationalIdKind } from "../domain/national-id.js";
import { isRocDate, type RocDate } from "../domain/roc-date.js";
import { decodeBig5Strict, displayUserDefined, encodeBig5Strict } from "../nhi/format/big5.js";
import { PROFILE_LENGTH, toHex } from "./apdu.js";
import { cardErrors } from "./errors.js";

export const PROFILE_FIELDS = {
  cardNumber: [0, 12],
  name: [12, 32],
  nationalId: [32, 42],
  birthDate: [42, 49],
  sex: [49, 50],
  issueDate: [50, 57],
} as const;

export interface NhiCardProfile {
  cardNumber: string;
  name: string;
  nationalId: string;
  nationalIdKind: NationalIdKind;
  birthDate: RocDate;
  sex: "M" | "F";
  issueDate: RocDate;
  /** Characters of the name in Big5's user-defined area (造字): shown as Private Use Area characters. */
  nameUserDefinedChars: number;
}

/** What the card holds, before validation: used to build fixtures and the virtual card. */
export interface ProfileFields {
  cardNumber: string;
  name: string;
  nationalId: string;
  birthDate: string;
  sex: string;
  issueDate: string;
}

function ascii(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b < 0x20 || b > 0x7e) return undefined;
  return String.fromCharCode(...bytes);
}

function trimPadding(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x00)) end--;
  let start = 0;
  while (start < end && bytes[start] === 0x20) start++;
  return bytes.subarray(start, end);
}

/** Decodes and validates the 57 profile bytes; throws CardError "garbage" or "short-response". */
export function decodeProfile(bytes: Uint8Array, reader?: string): NhiCardProfile {
  if (bytes.length < PROFILE_LENGTH) throw cardErrors.shortResponse(PROFILE_LENGTH, bytes.length, reader);
  const field = (name: keyof typeof PROFILE_FIELDS) => bytes.subarray(...PROFILE_FIELDS[name]);
  const bad = (zh: string, en: string, raw: Uint8Array) =>
    cardErrors.garbage(msg(zh, en), `${en}: ${toHex(raw)}`, reader);

  const cardNumberRaw = field("cardNumber");
  const cardNumber = ascii(cardNumberRaw);
  if (cardNumber === undefined || !/^\d{12}$/.test(cardNumber)) {
    throw bad("卡片號碼不是12碼數字", "card number is not 12 digits", cardNumberRaw);
  }

  const nameRaw = field("name");
  const nameBytes = trimPadding(nameRaw);
  const decoded = decodeBig5Strict(nameBytes);
  if (!decoded.ok) throw bad("姓名不是有效的 Big5 文字", "name is not valid Big5 text", nameRaw);
  const name = decoded.text.trim();
  if (name.length === 0) throw bad("姓名空白", "name is empty", nameRaw);

  const idRaw = field("nationalId");
  const idText = ascii(idRaw);
  const id = idText === undefined ? undefined : checkNationalId(idText);
  if (!id?.valid || idText !== id.nationalId) {
    throw bad("身分證號格式或檢查碼錯誤", "national ID is malformed or fails its checksum", idRaw);
  }

  const birthRaw = field("birthDate");
  const birthDate = ascii(birthRaw);
  if (birthDate === undefined || !isRocDate(birthDate)) {
    throw bad("出生日期不是有效的民國日期", "birth date is not a valid ROC date", birthRaw);
  }

  const sexRaw = field("sex");
  const sex = ascii(sexRaw);
  if (sex !== "M" && sex !== "F") throw bad("性別不是 M 或 F", "sex is neither M nor F", sexRaw);

  const issueRaw = field("issueDate");
  const issueDate = ascii(issueRaw);
  if (issueDate === undefined || !isRocDate(issueDate)) {
    throw bad("發卡日期不是有效的民國日期", "issue date is not a valid ROC date", issueRaw);
  }
  if (issueDate < birthDate) {
    throw bad("發卡日期早於出生日期", "issue date is before the birth date", bytes.subarray(42, 57));
  }

  return {
    cardNumber,
    name,
    nationalId: id.nationalId,
    nationalIdKind: id.kind,
    birthDate,
    sex,
    issueDate,
    nameUserDefinedChars: decoded.userDefined,
  };
}

function fixedAscii(value: string, length: number, what: string): Uint8Array {
  if (value.length !== length || ascii(Buffer.from(value, "latin1")) === undefined) {
    throw new RangeError(`${what} must be ${length} printable ASCII characters: ${JSON.stringify(value)}`);
  }
  return Uint8Array.from(Buffer.from(value, "latin1"));
}

/** Lays out profile fields as the card stores them (no validation beyond lengths: fixtures may hold bad data). */
export function encodeProfile(fields: ProfileFields, options: { padding?: "space" | "nul" } = {}): Uint8Array {
  const out = new Uint8Array(PROFILE_LENGTH);
  out.set(fixedAscii(fields.cardNumber, 12, "card number"), 0);
  const name = encodeBig5Strict(fields.name);
  if (name.length > 20) throw new RangeError(`name takes ${name.length} Big5 bytes, at most 20 fit: ${fields.name}`);
  const nameField = new Uint8Array(20).fill(options.padding === "nul" ? 0x00 : 0x20);
  nameField.set(name, 0);
  out.set(nameField, 12);
  out.set(fixedAscii(fields.nationalId, 10, "national ID"), 32);
  out.set(fixedAscii(fields.birthDate, 7, "birth date"), 42);
  out.set(fixedAscii(fields.sex, 1, "sex"), 49);
  out.set(fixedAscii(fields.issueDate, 7, "issue date"), 50);
  return out;
}

/**
 * The patient as the dispensing service sees them. A user-defined character (造字) in the name is shown as □: the
 * pharmacist sees that a character is there (the card counts it in `nameUserDefinedChars`) instead of an invisible
 * Private Use Area glyph; the lossless form stays in the profile (src/nhi/format/big5.ts, the one Big5 policy).
 */
export function profileToIdentity(profile: NhiCardProfile): CardIdentity {
  return {
    source: "ic-card",
    nationalId: profile.nationalId,
    name: displayUserDefined(profile.name),
    birthDate: profile.birthDate,
    sex: profile.sex,
    cardNumber: profile.cardNumber,
  };
}
