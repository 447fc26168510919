/** Pluggable side actions (reports): the UI works without them and says so. */
import type { Locale } from "../src/domain/message.js";
import type { RefillLogQuery } from "../src/service/types.js";

export interface UiActions {
  /** Writes the refill reminder slip PDF for a dispensing; resolves with the file path. */
  printSlip?(dispensingId: string, locale: Locale): Promise<{ path: string }>;
  /** Writes the refill log (CSV or PDF) for the filters shown; resolves with the file path. */
  exportRefillLog?(query: RefillLogQuery, format: "csv" | "pdf", locale: Locale): Promise<{ path: string }>;
}

/** Messages of thrown errors, localized when they carry a `{zh,en}` reason (ReportError, CardError …). */
export function errorText(error: unknown, locale: Locale): string {
  if (error && typeof error === "object") {
    const e = error as { reason?: { zh?: string; en?: string }; userMessage?: { zh?: string; en?: string } };
    const m = e.reason ?? e.userMessage;
    if (m && typeof m.zh === "string" && typeof m.en === "string") return locale === "en" ? m.en : m.zh;
  }
  return error instanceof Error ? error.message : String(error);
}
