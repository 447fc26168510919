/** Institution code (醫事機構代碼): 10 characters; digits, with letters allowed in positions 7–9 (D058). */
import { type Message, msg } from "./message.js";

declare const institutionCodeBrand: unique symbol;
export type InstitutionCode = string & { readonly [institutionCodeBrand]: true };

const INSTITUTION_RE = /^[0-9]{6}[0-9A-Z]{3}[0-9]$/;

export function isInstitutionCode(value: string): value is InstitutionCode {
  return INSTITUTION_RE.test(value);
}

export function checkInstitutionCode(
  input: string,
): { valid: true; code: InstitutionCode } | { valid: false; reason: Message } {
  const code = input.trim().toUpperCase();
  if (isInstitutionCode(code)) return { valid: true, code };
  return {
    valid: false,
    reason: msg(
      `醫事機構代碼應為10碼（${JSON.stringify(input)}）`,
      `An institution code has 10 characters (${JSON.stringify(input)})`,
    ),
  };
}
