/** Why an image could not be scanned at all. `reason` is what the pharmacist reads (the API maps it to 422). */
import type { Message } from "../domain/message.js";

export const SCAN_ERROR_CODES = [
  "empty",
  "not-an-image",
  "unsupported-format",
  "unreadable-image",
  "too-large",
] as const;

export type ScanErrorCode = (typeof SCAN_ERROR_CODES)[number];

export class ScanError extends Error {
  readonly code: ScanErrorCode;
  readonly reason: Message;

  constructor(code: ScanErrorCode, reason: Message) {
    super(reason.en);
    this.name = "ScanError";
    this.code = code;
    this.reason = reason;
  }
}
