/** Pluggable side actions (reports): the UI works without them and says so. */
import type { Locale, Message } from "../src/domain/message.js";
import type { CardIdentity, RefillLogQuery } from "../src/service/types.js";

export type VirtualCardCheck = { ok: true; identity: CardIdentity } | { ok: false; message: Message };

export interface UiActions {
  /** Writes the refill reminder slip PDF for a dispensing; resolves with the file path. */
  printSlip?(dispensingId: string, locale: Locale): Promise<{ path: string }>;
  /** Writes the refill log (CSV or PDF) for the filters shown; resolves with the file path. */
  exportRefillLog?(query: RefillLogQuery, format: "csv" | "pdf", locale: Locale): Promise<{ path: string }>;
  /** Verifies a scanned virtual NHI card QR (NHIVC1:…, single use, 5 minutes) with NHI. */
  verifyVirtualCard?(token: string): Promise<VirtualCardCheck>;
}

/** Messages of thrown errors, localized when they carry a `{zh,en}` reason (ReportError, CardError …). */
export function errorText(error: unknown, locale: Locale): string {
  const m = errorNote(error);
  return typeof m === "string" ? m : locale === "en" ? m.en : m.zh;
}

/** A thrown error as a note to keep on screen: both languages when it carries them, so F2 switches it. */
export function errorNote(error: unknown): Message | string {
  if (error && typeof error === "object") {
    const e = error as { reason?: { zh?: string; en?: string }; userMessage?: { zh?: string; en?: string } };
    const m = e.reason ?? e.userMessage;
    if (m && typeof m.zh === "string" && typeof m.en === "string") return { zh: m.zh, en: m.en };
  }
  return error instanceof Error ? error.message : String(error);
}
