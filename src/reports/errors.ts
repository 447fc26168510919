import type { Message } from "../domain/message.js";

/** A report cannot be made from what was asked (bad range, unknown dispensing, no next refill …). */
export class ReportError extends Error {
  override readonly name = "ReportError";
  constructor(
    readonly reason: Message,
    readonly code: string,
  ) {
    super(`${reason.en} / ${reason.zh}`);
  }
}
