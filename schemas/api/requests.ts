/**
 * Request rules of the rxdesk HTTP API (bodies, query strings, path parameters). The API validates with these and
 * the OpenAPI document (`schemas/openapi.json`) is generated from them, so the rules live here only.
 */

import { z } from "zod/v4";
import { COUNTER_ABNORMAL_CODES } from "../../src/domain/abnormal-dispensing.js";
import { checkNationalId } from "../../src/domain/national-id.js";
import { REFILL_EVENT_TYPES } from "../../src/domain/refill-log.js";
import { isRocDate, parseHumanDate, type RocDate } from "../../src/domain/roc-date.js";
import { UPLOAD_STATES } from "../../src/domain/upload-state.js";
import { isVirtualCardToken } from "../../src/domain/virtual-card-token.js";

export const nationalIdSchema = z
  .string()
  .min(1)
  .max(12)
  .refine((v) => checkNationalId(v).valid, { message: "not a valid national ID (身分證號不正確)" })
  .transform((v) => v.trim().toUpperCase())
  .meta({ description: "National ID (身分證號), letter + 9 digits with a valid check digit", example: "A123456789" });

export const rocDateSchema = z
  .string()
  .refine((v) => isRocDate(v), {
    message: "expected a ROC date yyyMMdd (e.g. 1130321) (民國日期格式 yyyMMdd，例如 1130321)",
  })
  .transform((v) => v as RocDate)
  .meta({ description: "ROC date yyyMMdd (民國年月日)", example: "1130321" });

/** A day as people and the CLI write it: ROC with slashes (115/11/01), ROC compact (1151101) or ISO (2026-11-01). */
export const dateInputSchema = z
  .string()
  .transform((v, ctx) => {
    try {
      return parseHumanDate(v);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "expected a date: 115/11/01, 1151101 or 2026-11-01 (日期格式：115/11/01、1151101 或 2026-11-01)",
      });
      return z.NEVER;
    }
  })
  .meta({
    description: "A day: ROC 115/11/01 or 1151101 (民國年月日), or ISO 2026-11-01; the same forms the CLI takes",
    example: "115/11/01",
  });

/** The language of what a person reads, as the CLI's --lang says it. */
export const langSchema = z
  .enum(["zh", "zh-TW", "en"])
  .default("zh")
  .transform((v) => (v === "en" ? "en" : "zh-TW") as "zh-TW" | "en")
  .meta({ description: "Language: zh (= zh-TW, Traditional Chinese) or en" });

/** What the scanner or the keyboard produced; the service normalizes it (spaces, O→0, lower case). */
export const visitIdInputSchema = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: "Visit ID (M16) as scanned or typed; grouping spaces and O/0 confusions are corrected" });

export const cardIdentitySchema = z
  .strictObject({
    source: z.enum(["ic-card", "virtual-card"]),
    nationalId: nationalIdSchema,
    name: z.string().max(40).optional(),
    birthDate: rocDateSchema.optional(),
    sex: z.enum(["M", "F"]).optional(),
    cardNumber: z
      .string()
      .regex(/^[0-9]{12}$/)
      .optional(),
    proxy: z.boolean().optional(),
  })
  .meta({
    id: "CardIdentity",
    description:
      "An identity asserted by the client. Refused (422 untrusted-card-identity): name a card read or virtual card " +
      "verified by this server by its evidenceId, or type the ID from the paper with a reason",
  });

/** The patient's identity evidence in a check or dispensing request. */
export const cardEvidenceSchema = z
  .union([
    z
      .strictObject({
        evidenceId: z
          .string()
          .regex(/^ev_[0-9a-f]{32}$/)
          .meta({ description: "From POST /api/terminals/{terminalId}/card-read or /api/virtual-cards/verify" }),
      })
      .meta({ id: "CardEvidence", description: "A card this server read at the key's terminal, or a verified QR" }),
    z
      .strictObject({
        source: z.literal("typed"),
        nationalId: nationalIdSchema,
        reason: z
          .string()
          .trim()
          .min(4, { message: "reason: at least 4 characters (請說明未讀卡理由)" })
          .max(200)
          .meta({ description: "Why no card was read (card not shown: 補卡 within 10 days); recorded" }),
      })
      .meta({ id: "TypedIdentity", description: "The national ID typed from the paper prescription, with a reason" }),
    cardIdentitySchema,
  ])
  .meta({ description: "The patient's identity evidence; absent: none yet (a chronic refill is then card-needed)" });

export type CardEvidenceInput = z.output<typeof cardEvidenceSchema>;

export const checkBodySchema = z
  .strictObject({
    visitId: visitIdInputSchema,
    card: cardEvidenceSchema.optional(),
  })
  .meta({ id: "CheckRequest" });

export const overrideSchema = z.strictObject({
  reason: z.string().trim().min(4, { message: "override reason: at least 4 characters (請說明理由)" }).max(200),
  abnormalCode: z.enum(COUNTER_ABNORMAL_CODES).optional().meta({
    description:
      "The cause the pharmacist confirms, M13 on the H01=B record: A000/A001 card equipment, A010/A011 reader, A020/A021 network (default), A030/A031 security module, B000 chip, C001 exception visit, E000 only for NHI-confirmed outages",
  }),
});

export const dispenseBodySchema = z
  .strictObject({
    visitId: visitIdInputSchema,
    refillNo: z.int().min(1).max(10).meta({ description: "The refill the decision offered (guards a stale screen)" }),
    decisionToken: z
      .string()
      .max(128)
      .optional()
      .meta({ description: "The `token` of the decision being confirmed: 409 with the fresh decision if it changed" }),
    card: cardEvidenceSchema.optional(),
    override: overrideSchema
      .optional()
      .meta({ description: "Required when the decision was `override` (NHI unreachable); the reason is audited" }),
    days: z.int().min(1).max(90).optional().meta({ description: "Days supplied now; defaults to M20" }),
    j000Confirmation: z
      .strictObject({ cloudRecordChecked: z.literal(true), prescriberAsked: z.literal(true) })
      .optional()
      .meta({
        description:
          "Required when M18 must be J000 (refill 2+, sequence number unknown): the pharmacist checked the NHI cloud medication record and asked the prescribing clinic (seed 004 §三(四)6)",
      }),
  })
  .meta({
    id: "DispenseRequest",
    description: "The pharmacist (M06) and terminal come from the API key; a body `pharmacistId` is rejected.",
  });

export const reasonSchema = z
  .string()
  .trim()
  .min(4, { message: "reason: at least 4 characters (請說明理由)" })
  .max(200);

export const deleteBodySchema = z.strictObject({ reason: reasonSchema }).meta({ id: "DeleteDispensingRequest" });

export const correctBodySchema = z
  .strictObject({ reason: reasonSchema, days: z.int().min(1).max(90).optional() })
  .meta({ id: "CorrectDispensingRequest" });

export const createKeyBodySchema = z
  .strictObject({
    role: z.enum(["pharmacist", "owner"]),
    terminalId: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/),
    pharmacistId: nationalIdSchema.optional(),
    label: z.string().min(1).max(80).optional(),
  })
  .refine((v) => v.role !== "pharmacist" || v.pharmacistId !== undefined, {
    message: "a pharmacist key needs pharmacistId (M06) (藥師金鑰須提供藥師身分證號 pharmacistId（M06）)",
    path: ["pharmacistId"],
  })
  .meta({ id: "CreateKeyRequest" });

const intFromQuery = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const dispensingsQuerySchema = z.strictObject({ limit: intFromQuery(1, 200).default(50) });

export const refillsDueQuerySchema = z
  .strictObject({
    days: z.enum(["7", "14"]).optional().meta({ description: "Window: the next 7 or 14 days (default 7)" }),
    from: dateInputSchema.optional(),
    to: dateInputSchema.optional(),
  })
  .refine((v) => (v.from === undefined) === (v.to === undefined), {
    message: "give both from and to, or neither (請同時提供起訖日期 from 與 to，或都不提供)",
  })
  .refine((v) => v.from === undefined || v.days === undefined, {
    message: "use days or from/to, not both (請擇一使用 days 或 from/to)",
  })
  .refine((v) => v.from === undefined || v.to === undefined || v.from <= v.to, {
    message: "from must be ≤ to (起始日期不可晚於結束日期)",
  });

export const uploadStateSchema = z.enum(UPLOAD_STATES);

export const outboxQuerySchema = z.strictObject({ state: uploadStateSchema.optional() });

export const refillEventTypeSchema = z.enum(REFILL_EVENT_TYPES);
/** `types` as the document states it: a comma-separated list of the event types, each from the closed list. */
const oneType = `(${REFILL_EVENT_TYPES.join("|")})`;
const eventTypesPattern = new RegExp(`^ *${oneType} *(, *${oneType} *)*$`);

export const refillLogQuerySchema = z
  .strictObject({
    from: dateInputSchema,
    to: dateInputSchema,
    nationalId: nationalIdSchema.optional(),
    prescriber: z
      .string()
      .regex(/^[0-9A-Z]{10}$/)
      .optional()
      .meta({ description: "Prescriber institution code (M17)" }),
    patient: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .optional()
      .meta({ description: "Only patients whose name contains this (病人姓名)" }),
    types: z
      .string()
      .regex(eventTypesPattern, {
        message: `types: each of ${REFILL_EVENT_TYPES.join(", ")} (事件類別須為 ${REFILL_EVENT_TYPES.join("、")})`,
      })
      .optional()
      .meta({ description: `Comma-separated event types: ${REFILL_EVENT_TYPES.join(", ")}` })
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const parts = v.split(",").map((s) => s.trim());
        const parsed = z.array(refillEventTypeSchema).safeParse(parts);
        if (!parsed.success) {
          ctx.addIssue({
            code: "custom",
            message: `types: each of ${refillEventTypeSchema.options.join(", ")} (事件類別須為 ${refillEventTypeSchema.options.join("、")})`,
          });
          return z.NEVER;
        }
        return parsed.data;
      }),
    format: z
      .enum(["json", "csv", "pdf"])
      .optional()
      .meta({ description: "json (default), csv or pdf; without it, `Accept: text/csv` or `application/pdf` decides" }),
    lang: langSchema,
    mask: z.enum(["full", "masked", "initials"]).default("masked").meta({
      description:
        "How national IDs and names appear (A12****789 王○明 by default; full A123456789 王小明, audited; initials 王○○)",
    }),
  })
  .refine((v) => v.from <= v.to, { message: "from must be ≤ to (起始日期不可晚於結束日期)" });

export const auditQuerySchema = z.strictObject({
  type: z
    .enum([
      "dispensing",
      "override",
      "dispense-refused",
      "delete",
      "correct",
      "incident-acknowledged",
      "export",
      "login-failure",
      "forbidden",
      "key-created",
      "key-revoked",
      "key-imported",
      "outbox-retry",
      "outbox-run",
    ])
    .optional(),
  limit: intFromQuery(1, 1000).default(200),
});

export const emptyQuerySchema = z.strictObject({});

export const idParamSchema = z.string().min(1).max(64);
export const keyIdParamSchema = z.string().regex(/^[0-9a-f]{16}$/);
export const terminalIdParamSchema = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/);
export const originalVisitIdParamSchema = z.string().min(1).max(64);

export const cardReadBodySchema = z
  .strictObject({
    timeoutMs: z.int().min(0).max(30_000).optional().meta({ description: "How long to wait for a card (default 0)" }),
  })
  .meta({ id: "CardReadRequest" });

export const virtualCardBodySchema = z
  .strictObject({
    token: z
      .string()
      .max(64)
      .refine((v) => isVirtualCardToken(v), { message: "not a virtual NHI card QR (NHIVC1:…) (不是虛擬健保卡 QR 碼)" })
      .transform((v) => v.trim())
      .meta({ description: "The text of the virtual NHI card QR (虛擬健保卡), as scanned" }),
  })
  .meta({ id: "VirtualCardRequest" });

export const scanQuerySchema = z.strictObject({
  typed: z
    .string()
    .max(64)
    .optional()
    .meta({ description: "The visit ID as typed or wedge-scanned, compared with the codes in the image" }),
});
