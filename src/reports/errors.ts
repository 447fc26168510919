import type { Message } from "../domain/message.js";

export const REPORT_ERROR_CODES = [
  "range-reversed",
  "range-too-long",
  "dispensing-not-found",
  "dispensing-deleted",
  "prescription-not-found",
  "no-next-refill",
  "next-dispensed",
  "next-cancelled",
] as const;

export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

/** A report cannot be made from what was asked (bad range, unknown dispensing, no next refill …). */
export class ReportError extends Error {
  override readonly name = "ReportError";
  constructor(
    readonly reason: Message,
    readonly code: ReportErrorCode,
  ) {
    super(`${reason.en} / ${reason.zh}`);
  }
}
