/** Patient masking for printed reports: the owner decides how much of a patient's identity a report carries. */
import { maskNationalId } from "../domain/national-id.js";
import type { PatientLabel, PatientMask } from "./model.js";

export { maskNationalId };

export const PATIENT_MASKS: readonly PatientMask[] = ["full", "masked", "initials"];

const MASK_CHAR = "○";

function isCjk(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || cp >= 0x20000;
}

/** `王小明` → `王○明`, `歐陽小明` → `歐○○明`, `王明` → `王○`; Latin names keep each word's first letter. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return "";
  if (chars.every(isCjk)) {
    if (chars.length === 1) return chars[0]!;
    if (chars.length === 2) return `${chars[0]}${MASK_CHAR}`;
    return `${chars[0]}${MASK_CHAR.repeat(chars.length - 2)}${chars.at(-1)}`;
  }
  return nameInitials(name);
}

/** `王小明` → `王○○`; `Chen Mei-Ling` → `C. M.` */
export function nameInitials(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return "";
  if (chars.every(isCjk)) return `${chars[0]}${MASK_CHAR.repeat(Math.max(chars.length - 1, 1))}`;
  return name
    .trim()
    .split(/\s+/)
    .map((w) => `${[...w][0]!.toUpperCase()}.`)
    .join(" ");
}

/** The printed form of a patient. `initials` keeps no ID at all (the name's first letter, or the ID's letter). */
export function patientLabel(nationalId: string, name: string | undefined, mask: PatientMask): PatientLabel {
  const n = name?.trim() ?? "";
  switch (mask) {
    case "full":
      return { name: n, nationalId: nationalId.trim() };
    case "masked":
      return { name: n ? maskName(n) : "", nationalId: maskNationalId(nationalId) };
    case "initials":
      return { name: n ? nameInitials(n) : `${nationalId.trim().slice(0, 1)}*`, nationalId: "" };
  }
}

export function formatPatient(label: PatientLabel): string {
  return [label.name, label.nationalId].filter(Boolean).join(" ");
}
