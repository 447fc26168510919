/** A request the sandbox refuses (bad input); the HTTP app answers 400/403/404 with the message. */
import { checkInstitutionCode } from "../../domain/institution-code.js";
import type { Message } from "../../domain/message.js";
import { checkNationalId } from "../../domain/national-id.js";

export class SandboxRequestError extends Error {
  override readonly name = "SandboxRequestError";
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly detail: Message,
  ) {
    super(detail.en);
  }
}

export function requireInstitutionCode(code: string): string {
  const checked = checkInstitutionCode(code);
  if (!checked.valid) throw new SandboxRequestError(400, checked.reason);
  return checked.code;
}

export function requireNationalId(id: string): string {
  const checked = checkNationalId(id);
  if (!checked.valid) throw new SandboxRequestError(400, checked.reason);
  return checked.nationalId;
}
