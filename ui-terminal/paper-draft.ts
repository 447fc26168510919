/**
 * The paper form's fields as typed (strings), and what they become: the service's `PaperPrescription`. Only what a
 * form must do itself is checked here (a number that is not a number); every rule of the prescription is the
 * service's (`checkPaper`), whose errors name the field they are about (M17, M19, D06[2] …).
 */
import { type Message, msg } from "../src/domain/message.js";
import type { CardIdentity, Decision, PaperPrescription } from "../src/service/types.js";

export const PAPER_FIELDS = [
  "m16",
  "m17",
  "name",
  "m18",
  "m19",
  "chronic",
  "m33",
  "m26",
  "m20",
  "orders",
  "nationalId",
  "m04",
  "typedReason",
] as const;
export type PaperField = (typeof PAPER_FIELDS)[number];

export type PaperValues = Record<PaperField, string>;

/** The fields the form shows: the patient's ID and the reason only when no card identifies the patient. */
export function paperFields(card: CardIdentity | undefined): readonly PaperField[] {
  const skip = new Set<PaperField>(card ? ["nationalId", "typedReason"] : []);
  // M04: the card gives the birth date; without one it comes from the paper.
  if (card?.birthDate) skip.add("m04");
  return PAPER_FIELDS.filter((f) => !skip.has(f));
}

/** A new form for the decision on screen: M16 as scanned, a single one-off prescription until said otherwise. */
export function newPaperValues(decision: Decision): PaperValues {
  const values = Object.fromEntries(PAPER_FIELDS.map((f) => [f, ""])) as PaperValues;
  return { ...values, m16: decision.originalVisitId ?? decision.input.trim(), chronic: "N", m33: "1", m26: "1" };
}

/** A service error's field (M17, D06[2], M21 …) as the form field it is about. */
export function formField(field: string | undefined): PaperField | undefined {
  if (!field) return undefined;
  const name = field.replace(/\[\d+\]$/, "");
  const map: Record<string, PaperField> = {
    M16: "m16",
    M17: "m17",
    M18: "m18",
    M19: "m19",
    M33: "m33",
    M26: "m26",
    M20: "m20",
    M21: "m20",
    chronic: "chronic",
    MB2: "orders",
    D06: "orders",
    D08: "orders",
    D09: "orders",
    D10: "orders",
    D14: "orders",
    M03: "nationalId",
    M04: "m04",
    prescriberName: "name",
  };
  return map[name];
}

/** M19 as typed: `113/03/20 13:39`, `1130320 1339` or 13 digits; seconds default to 00. */
function visitDateTime(text: string): string {
  const digits = text.replace(/\D/g, "");
  return digits.length === 11 ? `${digits}00` : digits;
}

/** `AC12345100 56 BID, BC23456100 28`: code, total quantity and (optionally) frequency per line. */
function orderLines(text: string): PaperPrescription["orders"] {
  return text
    .split(/[,，;；]/)
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([drugCode = "", totalQuantity = "", frequency]) => ({
      drugCode,
      totalQuantity,
      ...(frequency ? { frequency } : {}),
    }));
}

const NOT_A_NUMBER = msg("請輸入整數", "Enter a whole number");

export type PaperParse =
  | { ok: true; paper: PaperPrescription; typed?: { nationalId: string; typedReason: string } }
  | { ok: false; errors: Partial<Record<PaperField, Message>> };

export function paperFromValues(v: PaperValues, card: CardIdentity | undefined): PaperParse {
  const errors: Partial<Record<PaperField, Message>> = {};
  const whole = (field: "m33" | "m26" | "m20") => {
    const n = Number(v[field].trim());
    if (!v[field].trim() || !Number.isInteger(n)) errors[field] = NOT_A_NUMBER;
    return n;
  };
  const refillNo = whole("m33");
  const refillCount = whole("m26");
  const daysPerRefill = whole("m20");
  const chronic = v.chronic.trim().toUpperCase();
  if (chronic !== "Y" && chronic !== "N") errors.chronic = msg("請輸入 Y 或 N", "Type Y or N");
  if (!card && !v.nationalId.trim()) errors.nationalId = msg("請輸入病人身分證號", "Type the patient's national ID");
  if (!card && !v.typedReason.trim()) errors.typedReason = msg("請輸入理由", "A reason is required");
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const paper: PaperPrescription = {
    originalVisitId: v.m16.trim().toUpperCase(),
    prescriberInstitutionCode: v.m17.trim().toUpperCase(),
    originalVisitDateTime: visitDateTime(v.m19),
    chronic: chronic === "Y",
    refillNo,
    refillCount,
    daysPerRefill,
    orders: orderLines(v.orders),
    ...(v.name.trim() ? { prescriberName: v.name.trim() } : {}),
    ...(v.m18.trim() ? { originalSequenceNumber: v.m18.trim().toUpperCase() } : {}),
    // M04 as typed (075/03/15 or 0750315): the ROC date's seven digits.
    ...(v.m04.trim() && !card?.birthDate ? { birthDate: v.m04.replace(/\D/g, "") } : {}),
  };
  return card
    ? { ok: true, paper }
    : {
        ok: true,
        paper,
        typed: { nationalId: v.nationalId.trim().toUpperCase(), typedReason: v.typedReason.trim() },
      };
}
