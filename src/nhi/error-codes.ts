/**
 * NHI check-result codes (檢核結果錯誤原因) with their official meaning, an English rendering, a severity and what the
 * pharmacist should do. The table is data: `schemas/nhi-check-codes.json` holds every code of NHI's public check table
 * (218 codes; the official zh-TW text verbatim). This module checks its shape once and answers lookups.
 *
 * C001, D001 and E001 are also abnormal sequence codes (異常就醫序號, see `src/domain/sequence-number.ts`); here they
 * always mean the check error.
 */
import * as z from "zod/v4";
import table from "../../schemas/nhi-check-codes.json" with { type: "json" };
import { type Message, msg } from "../domain/message.js";

export type NhiCodeSource = "nhi" | "rxdesk";

/**
 * rejected: the record is not accepted; warning: accepted with a warning when nothing else is wrong (the official
 * text says 如無合併其他錯誤，本筆仍會收載); information: accepted, a notice only (AD34 late upload, D058).
 */
export const NHI_CODE_SEVERITIES = ["rejected", "warning", "information"] as const;
export type NhiCodeSeverity = (typeof NHI_CODE_SEVERITIES)[number];

export interface NhiCodeDescription {
  code: string;
  known: boolean;
  /** "rxdesk" for local findings that NHI has no code for (e.g. XML that cannot be read at all). */
  source: NhiCodeSource;
  severity: NhiCodeSeverity;
  message: Message;
  advice: Message;
}

const messageSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const entrySchema = z
  .object({
    zh: z.string().min(1),
    en: z.string().min(1),
    severity: z.enum(NHI_CODE_SEVERITIES),
    advice: messageSchema,
  })
  .strict();
const tableSchema = z.object({ about: z.string(), codes: z.record(z.string().regex(/^[0-9A-Z]{2,4}$/), entrySchema) });

type Entry = z.infer<typeof entrySchema>;

/** Codes rxdesk itself reports where NHI has none. */
const LOCAL_CODES: Record<string, Entry> = {
  XML: {
    zh: "XML格式錯誤，無法讀取（本機檢查）",
    en: "malformed XML that cannot be read (local check)",
    severity: "rejected",
    advice: {
      zh: "請資訊廠商檢查產檔程式",
      en: "have the software vendor check the file generator",
    },
  },
  J000: {
    zh: "原處方就醫序號無法取得（M18=J000）",
    en: "the prescriber's sequence number could not be obtained (M18 = J000)",
    severity: "information",
    advice: {
      zh: "先查雲端藥歷或洽原處方院所；確實無法取得才填J000並記錄原因",
      en: "look in the cloud medication record or ask the clinic first; use J000 only when impossible and log why",
    },
  },
};

function describe(code: string, entry: Entry, source: NhiCodeSource): NhiCodeDescription {
  return {
    code,
    known: true,
    source,
    severity: entry.severity,
    message: msg(entry.zh, entry.en),
    advice: msg(entry.advice.zh, entry.advice.en),
  };
}

const TABLE: ReadonlyMap<string, NhiCodeDescription> = new Map([
  ...Object.entries(tableSchema.parse(table).codes).map(([code, e]): [string, NhiCodeDescription] => [
    code,
    describe(code, e, "nhi"),
  ]),
  ...Object.entries(LOCAL_CODES).map(([code, e]): [string, NhiCodeDescription] => [code, describe(code, e, "rxdesk")]),
]);

/** Every code this dictionary knows. */
export const NHI_ERROR_CODES: readonly string[] = [...TABLE.keys()];

function key(code: string): string {
  return code.trim().toUpperCase();
}

export function isKnownNhiCode(code: string): boolean {
  return TABLE.has(key(code));
}

/** Meaning, severity and advice for a code; unknown codes are described as such (and as rejections), never dropped. */
export function describeNhiCode(code: string): NhiCodeDescription {
  const k = key(code);
  const hit = TABLE.get(k);
  if (hit) return hit;
  return {
    code: k,
    known: false,
    source: "nhi",
    severity: "rejected",
    message: msg(`未知的錯誤代碼${k}`, `unknown error code ${k}`),
    advice: msg(
      "請查閱「健保卡資料上傳格式2.0作業說明」或洽健保署／資訊廠商",
      "look it up in the upload format 2.0 specification or ask NHI / the software vendor",
    ),
  };
}

/** The severity of a code; an unknown code counts as a rejection (never assume NHI accepted a record). */
export function nhiCodeSeverity(code: string): NhiCodeSeverity {
  return describeNhiCode(code).severity;
}

/** Whether a code means NHI did not accept the record (warnings and notices do not). */
export function isRejectionCode(code: string): boolean {
  return nhiCodeSeverity(code) === "rejected";
}
