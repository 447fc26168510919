/**
 * The shapes of NHI's central answers, checked at the adapter: an answer that does not fit is an
 * `NhiGarbledAnswerError` (an outage to the callers: "NHI unavailable or garbled"), so nothing of it is stored or
 * shown. A real Web-API adapter maps NHI's answers onto these shapes and checks them the same way.
 */
import { z } from "zod/v4";
import { isRocDate, isRocDateTime } from "../domain/roc-date.js";
import { isVisitId, SM00_VISIT_ID } from "../domain/visit-id.js";
import {
  NhiGarbledAnswerError,
  type PrescriptionStatusResult,
  type UploadReceipt,
  type VirtualCardResult,
} from "./client.js";

const text = z.string().max(500);
const message = z.object({ zh: text, en: text });
const rocDateTime = z.string().refine(isRocDateTime, "not a ROC date-time (yyyMMddHHmmss)");
const rocDate = z.string().refine(isRocDate, "not a ROC date (yyyMMdd)");
const institutionCode = z.string().regex(/^[0-9A-Z]{10}$/, "not an institution code");
const nationalId = z.string().regex(/^[A-Z][0-9A-Z]\d{8}$/, "not a national ID");
const visitId = z.string().refine((v) => isVisitId(v) || v === SM00_VISIT_ID, "not a visit ID");
const count = z.number().int().min(0).max(10_000);

const order = z.object({
  orderType: text.optional(),
  orderNo: text.optional(),
  kind: text.optional(),
  dispensingMethod: text.optional(),
  drugCode: text.optional(),
  site: text.optional(),
  frequency: text.optional(),
  days: count.optional(),
  totalQuantity: text.optional(),
  route: text.optional(),
  remark: text.optional(),
});

const refill = z.object({
  refillNo: z.number().int().min(1).max(99),
  state: z.enum(["undispensed", "dispensed", "cancelled"]),
  restored: z.boolean().optional(),
  dispensedBy: institutionCode.optional(),
  dispensedByName: text.optional(),
  dispensedAt: rocDateTime.optional(),
  dispensedVisitId: visitId.optional(),
  days: count.optional(),
  events: z.array(
    z.object({
      type: z.enum(["A", "B", "C", "D", "E"]),
      at: rocDateTime,
      institutionCode,
      visitId: visitId.optional(),
    }),
  ),
});

const status = z.object({
  originalVisitId: visitId,
  prescriberInstitutionCode: institutionCode,
  prescriberName: text.optional(),
  originalSequenceNumber: text.optional(),
  originalVisitDateTime: rocDateTime,
  nationalId,
  birthDate: rocDate.optional(),
  chronic: z.boolean(),
  refillCount: z.number().int().min(1).max(99),
  daysPerRefill: count,
  totalDays: count.optional(),
  orders: z.array(order).max(500),
  refills: z.array(refill).max(99),
});

export const prescriptionStatusAnswer = z.discriminatedUnion("found", [
  z.object({ found: z.literal(true), status }),
  z.object({ found: z.literal(false), code: z.enum(["D024", "D074"]), message }),
]);

export const uploadReceiptAnswer = z.object({
  uploadId: z.string().min(1).max(64),
  receivedAt: z.string().min(1).max(64),
  recordCount: count,
});

export const virtualCardAnswer = z.discriminatedUnion("valid", [
  z.object({
    valid: z.literal(true),
    nationalId,
    name: text.optional(),
    birthDate: rocDate.optional(),
    proxy: z.boolean(),
    sequencePrefix: z.literal("V"),
  }),
  z.object({ valid: z.literal(false), reason: z.enum(["expired", "used", "unknown", "revoked"]), message }),
]);

/** What installing the sandbox's control software hands over (key and the institution's index). */
export const installationAnswer = z.object({
  key: z.string().min(16).max(200),
  institutionCode,
  index: z.number().int().min(0),
});

/** Parses one central answer, or throws `NhiGarbledAnswerError` naming the operation and the first problems. */
export function checkAnswer<S extends z.ZodType>(operation: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new NhiGarbledAnswerError(
    operation,
    parsed.error.issues.map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`),
  );
}

export const answers = {
  prescriptionStatus: (value: unknown) =>
    checkAnswer("prescriptionStatus", prescriptionStatusAnswer, value) as PrescriptionStatusResult,
  upload: (value: unknown) => checkAnswer("upload", uploadReceiptAnswer, value) as UploadReceipt,
  verifyVirtualCard: (value: unknown) =>
    checkAnswer("verifyVirtualCard", virtualCardAnswer, value) as VirtualCardResult,
};
