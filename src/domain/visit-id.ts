/**
 * Visit ID 2.0 (就醫識別碼): 20 characters from 0-9 and A-Z without I and O (34 symbols).
 *
 * Input arrives from keyboard-wedge scanners (trailing CR/LF/Tab), from typing (groups of four separated by
 * spaces or dashes, lowercase, full-width characters from a Chinese IME) and from printed text. `parseVisitId`
 * normalizes what is unambiguous, corrects I→1 and O→0 (always reported, never silent) and rejects everything
 * else with the position and character at fault.
 */
import { type Message, msg } from "./message.js";

declare const visitIdBrand: unique symbol;
export type VisitId = string & { readonly [visitIdBrand]: true };

export const VISIT_ID_LENGTH = 20;
export const VISIT_ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const SM00_VISIT_ID = "SM000000000000000000" as VisitId;
export const MISS_VISIT_ID = "MISS0000000000000000" as VisitId;
/**
 * Twenty 9s: a placeholder some HIS generators wrote in M16 during the transition to format 2.0 (observed in real
 * files, issue 17). It fits the alphabet but identifies no visit: never dispense against it.
 */
export const PLACEHOLDER_VISIT_ID = "9".repeat(VISIT_ID_LENGTH);

/** Whether a normalized visit ID is the all-9s placeholder (not a real visit ID). */
export function isPlaceholderVisitId(id: string): boolean {
  return id === PLACEHOLDER_VISIT_ID;
}

/** standard: an ordinary visit ID; sm00: visit before the institution switched to 2.0; miss: 補卡 without an actual ID. */
export type VisitIdKind = "standard" | "sm00" | "miss";

export interface VisitIdCorrection {
  /** 1-based position in the 20-character visit ID. */
  position: number;
  from: string;
  to: string;
}

export type VisitIdParseResult =
  | {
      valid: true;
      input: string;
      visitId: VisitId;
      kind: VisitIdKind;
      /** I→1 / O→0 corrections the pharmacist must see. */
      corrections: VisitIdCorrection[];
      meaning: Message;
    }
  | {
      valid: false;
      input: string;
      reason: Message;
      /** 1-based position of the offending character in the cleaned input, when one character is at fault. */
      position?: number;
      character?: string;
    };

const VALID_RE = /^[0-9A-HJ-NP-Z]{20}$/;
const SEPARATORS = new Set([" ", "-", "\u00a0", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "_"]);

export function isVisitId(value: string): value is VisitId {
  return VALID_RE.test(value);
}

export function visitIdKind(id: VisitId): VisitIdKind {
  if (id === SM00_VISIT_ID) return "sm00";
  if (id === MISS_VISIT_ID) return "miss";
  return "standard";
}

const MEANINGS: Record<VisitIdKind, Message> = {
  standard: msg("就醫識別碼", "Visit ID"),
  sm00: msg(
    "SM00：院所改用2.0格式前之就醫，無就醫識別碼（僅限2.0實施前之資料，D068）",
    "SM00: visit before the institution switched to format 2.0, which has no visit ID (allowed only for such visits, D068)",
  ),
  miss: msg(
    "MISS：補卡時無實際就醫識別碼（僅用於M52且M12=4，需填報異常狀況報備單）",
    "MISS: card supplement without the actual visit ID (only in M52 with M12=4, with a report form)",
  ),
};

/** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their half-width forms. */
function toHalfWidth(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCodePoint(code - 0xfee0);
  if (code === 0x3000) return " ";
  if (code === 0xff0d || code === 0xfe63) return "-";
  return ch;
}

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0xfeff || code === 0x200b;
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}${code >= 0x20 ? ` "${ch}"` : ""}`;
}

export function parseVisitId(input: string): VisitIdParseResult {
  const cleaned: string[] = [];
  /** The characters as typed (half-width, before upper-casing), for precise rejection reasons. */
  const typed: string[] = [];
  for (const raw of input) {
    if (isControl(raw)) continue;
    const ch = toHalfWidth(raw);
    if (SEPARATORS.has(ch)) continue;
    cleaned.push(ch.toUpperCase());
    typed.push(ch);
  }
  const text = cleaned.join("");
  if (text.length === 0) {
    return { valid: false, input, reason: msg("未輸入就醫識別碼", "No visit ID was entered") };
  }
  for (let i = 0; i < cleaned.length; i++) {
    if (!/^[0-9A-Z]$/.test(cleaned[i]!)) {
      const ch = typed[i]!;
      return {
        valid: false,
        input,
        position: i + 1,
        character: ch,
        reason: msg(
          `第${i + 1}碼「${ch}」不是就醫識別碼可用的字元（${describeChar(ch)}）；只能是數字0-9與英文字母`,
          `Character ${i + 1} ${describeChar(ch)} is not allowed in a visit ID; only digits 0-9 and letters A-Z`,
        ),
      };
    }
  }
  if (cleaned.length !== VISIT_ID_LENGTH) {
    return {
      valid: false,
      input,
      reason: msg(
        `就醫識別碼應為20碼，輸入為${cleaned.length}碼`,
        `A visit ID has 20 characters; this input has ${cleaned.length}`,
      ),
    };
  }
  // MISS keeps its letter I; only its zeros may have been typed as the letter O.
  if (text.startsWith("MISS") && text.slice(4).replace(/O/g, "0") === MISS_VISIT_ID.slice(4)) {
    const corrections = cleaned.flatMap((ch, i) =>
      i >= 4 && ch === "O" ? [{ position: i + 1, from: "O", to: "0" }] : [],
    );
    return { valid: true, input, visitId: MISS_VISIT_ID, kind: "miss", corrections, meaning: MEANINGS.miss };
  }
  const corrections: VisitIdCorrection[] = [];
  const chars = cleaned.map((ch, i) => {
    if (ch === "I" || ch === "O") {
      const to = ch === "I" ? "1" : "0";
      corrections.push({ position: i + 1, from: ch, to });
      return to;
    }
    return ch;
  });
  const visitId = chars.join("") as VisitId;
  if (isPlaceholderVisitId(visitId)) {
    return {
      valid: false,
      input,
      reason: msg(
        "此為二十個9之佔位值（部分系統於2.0過渡期填入），不是真正的就醫識別碼，不可據以調劑；請向原處方院所取得處方箋上之就醫識別碼",
        "Twenty 9s is a placeholder some systems wrote during the switch to format 2.0, not a real visit ID: never dispense against it; get the visit ID printed on the prescription from the prescriber",
      ),
    };
  }
  const kind = visitIdKind(visitId);
  return { valid: true, input, visitId, kind, corrections, meaning: MEANINGS[kind] };
}

/** Describes corrections for the pharmacist: `第1碼 O→0`. */
export function describeCorrections(corrections: readonly VisitIdCorrection[]): Message {
  const zh = corrections.map((c) => `第${c.position}碼 ${c.from}→${c.to}`).join("、");
  const en = corrections.map((c) => `position ${c.position} ${c.from}→${c.to}`).join(", ");
  return msg(`已自動更正（就醫識別碼不使用I與O）：${zh}`, `Corrected (visit IDs never contain I or O): ${en}`);
}

/** `OUSE4FA11RP4J370WR4K` → `OUSE 4FA1 1RP4 J370 WR4K`, the printed form. */
export function formatVisitIdGrouped(id: string): string {
  return id.replace(/(.{4})(?=.)/g, "$1 ");
}
