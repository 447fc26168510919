/**
 * Response shapes of the rxdesk HTTP API, for the OpenAPI document (the service contract in
 * src/service/types.ts is the TypeScript side of the same shapes).
 */

import { z } from "zod/v4";
import { VERIFICATION_STATES } from "../../src/domain/incident.js";
import { PAPER_ENTRY_CAUSES } from "../../src/domain/paper-prescription.js";
import { REASON_CODES } from "../../src/domain/reasons.js";
import { REFILL_EVENT_TYPES } from "../../src/domain/refill-log.js";
import { UPLOAD_STATES } from "../../src/domain/upload-state.js";
import { problemCodeSchema } from "./problem-codes.js";

export const messageSchema = z
  .object({ zh: z.string(), en: z.string() })
  .meta({ id: "Message", description: "Text shown to people: zh-TW and English" });

export const problemSchema = z
  .object({
    type: z.string().meta({ example: "urn:rxdesk:problem:forbidden" }),
    title: z.string(),
    status: z.int(),
    code: problemCodeSchema,
    message: messageSchema,
    nhiCodes: z.array(z.string()).optional().meta({ description: "NHI error codes that apply (D025, D023 …)" }),
    details: z.unknown().optional(),
  })
  .meta({ id: "Problem", description: "Every error, for every status (400–504)" });

const rocDate = z.string().meta({ description: "ROC date yyyMMdd" });
const rocDateTime = z.string().meta({ description: "ROC date-time yyyMMddHHmmss" });

export const refillWindowSchema = z.object({ from: rocDate, to: rocDate }).meta({ id: "RefillWindow" });

export const reasonSchema = z
  .object({
    code: z.enum(REASON_CODES).meta({ description: "One meaning each; see src/domain/reasons.ts" }),
    severity: z.enum(["block", "override", "warning", "info"]),
    nhiCode: z.string().optional(),
    field: z
      .string()
      .optional()
      .meta({ description: "The input field it is about (a paper entry's M16, M17, M19, D06[1] …)" }),
    message: messageSchema,
  })
  .meta({ id: "DecisionReason" });

export const refillViewSchema = z
  .object({
    refillNo: z.int(),
    state: z.enum(["undispensed", "dispensed", "cancelled"]),
    restored: z.boolean().optional(),
    dispensedBy: z.string().optional(),
    dispensedByName: z.string().optional().meta({ description: "Another institution's name, when NHI gave it" }),
    dispensedAt: rocDateTime.optional(),
    dispensedHere: z.boolean().optional(),
    pharmacistId: z.string().optional(),
    days: z.int().optional(),
    window: refillWindowSchema.optional(),
  })
  .meta({ id: "RefillView" });

export const prescriptionSchema = z
  .object({
    originalVisitId: z.string(),
    prescriberInstitutionCode: z.string(),
    prescriberName: z.string().optional(),
    originalSequenceNumber: z.string().optional(),
    originalVisitDateTime: rocDateTime,
    nationalId: z.string().meta({ description: "Masked (A12****789) for the pharmacist role in lists" }),
    patientName: z.string().optional(),
    chronic: z.boolean(),
    refillCount: z.int(),
    daysPerRefill: z.int(),
    totalDays: z.int().optional(),
    orders: z.array(z.record(z.string(), z.unknown())),
    refills: z.array(refillViewSchema).meta({ description: "The refill timeline" }),
  })
  .meta({ id: "Prescription" });

export const decisionSchema = z
  .object({
    input: z.string(),
    originalVisitId: z.string().optional(),
    corrections: z.array(z.record(z.string(), z.unknown())),
    outcome: z.enum(["dispense", "override", "card-needed", "block"]).meta({
      description:
        "dispense: confirming now dispenses; override: only with a reason (NHI unreachable); card-needed: a chronic " +
        "refill with no identity evidence yet (see missingEvidence); block: refused",
    }),
    missingEvidence: z
      .enum(["patient-card"])
      .optional()
      .meta({
        description:
          "With card-needed: the patient's card (card-read or virtual-card evidenceId) or the ID typed from the " +
          "paper with a reason",
      }),
    evidence: z
      .object({ source: z.enum(["ic-card", "virtual-card", "typed"]), nationalId: z.string() })
      .optional()
      .meta({ description: "The identity evidence this decision was made with" }),
    token: z
      .string()
      .optional()
      .meta({ description: "Send as `decisionToken` when dispensing: 409 with the fresh decision if it changed" }),
    refillNo: z.int().optional(),
    prescription: prescriptionSchema.optional(),
    window: refillWindowSchema.optional(),
    reasons: z.array(reasonSchema),
    paperEntry: z
      .enum(PAPER_ENTRY_CAUSES)
      .optional()
      .meta({
        description:
          "The scan cannot decide, but the prescription may be entered from the paper (POST /api/paper-checks, " +
          "/api/paper-dispensings): nhi-unreachable (never seen here), not-uploaded (D024), sm00",
      }),
    headline: messageSchema,
    nhiReachable: z.boolean(),
    checkedAt: z.string(),
  })
  .meta({ id: "Decision" });

const uploadCode = z.object({ field: z.string(), code: z.string(), message: messageSchema });

export const dispensingSchema = z
  .object({
    id: z.string(),
    visitId: z.string(),
    originalVisitId: z.string(),
    refillNo: z.int(),
    visitDateTime: rocDateTime,
    pharmacistId: z.string(),
    nationalId: z.string(),
    days: z.int(),
    status: z.enum(["active", "deleted"]),
    abnormalCode: z.string().optional(),
    j000: z.boolean(),
    j000Confirmation: z
      .object({ pharmacistId: z.string(), at: z.string() })
      .optional()
      .meta({ description: "J000: who confirmed the two checks (cloud record, prescribing clinic) and when" }),
    override: z.object({ reason: z.string() }).optional(),
    paperEntry: z.enum(PAPER_ENTRY_CAUSES).optional().meta({ description: "Entered from the paper, and why" }),
    verification: z.enum(VERIFICATION_STATES).optional().meta({
      description: "Made without NHI's word: unverified until the central re-check, then verified or conflict",
    }),
    upload: z.object({
      state: z.enum(UPLOAD_STATES).meta({ description: "withdrawn: deleted here before it was ever uploaded" }),
      codes: z.array(uploadCode),
    }),
  })
  .meta({ id: "Dispensing" });

export const dispenseResultSchema = z
  .object({
    dispensing: dispensingSchema,
    nextRefill: z.object({ refillNo: z.int(), window: refillWindowSchema }).optional(),
    repeated: z
      .boolean()
      .optional()
      .meta({ description: "This confirmation (Idempotency-Key) had succeeded before: the first success again" }),
  })
  .meta({ id: "DispenseResult" });

export const refillDueSchema = z
  .object({
    originalVisitId: z.string(),
    nationalId: z.string(),
    patientName: z.string().optional(),
    refillNo: z.int(),
    window: refillWindowSchema,
    state: z.enum(["upcoming", "due", "missed"]),
  })
  .meta({ id: "RefillDue" });

export const refillsDueResponseSchema = z
  .object({ from: rocDate, to: rocDate, items: z.array(refillDueSchema) })
  .meta({ id: "RefillsDue" });

export const outboxStatusSchema = z
  .object({
    waiting: z.int(),
    rejected: z.int(),
    accepted: z.int(),
    oldestWaitingAgeMs: z.number().optional(),
    uploadedWithin24hShare: z.number().optional(),
  })
  .meta({ id: "OutboxStatus" });

const nhiCodeSchema = z
  .object({ field: z.string(), code: z.string(), message: messageSchema, advice: messageSchema })
  .meta({ id: "NhiCode" });

export const outboxEntrySchema = z
  .object({
    id: z.string(),
    dispensingId: z.string(),
    visitId: z.string(),
    dataFormat: z.string(),
    state: z.enum(["pending", "uploading", "uploaded", "accepted", "rejected"]),
    attempts: z.int(),
    createdAt: z.string(),
    deadline: z.string(),
    uploadedAt: z.string().optional(),
    lastError: z.string().optional(),
    rejections: z.array(nhiCodeSchema).meta({ description: "Why NHI rejected the record (a rejected entry)" }),
    warnings: z
      .array(nhiCodeSchema)
      .meta({ description: "Codes NHI reported on a record it accepted (warnings, notices)" }),
  })
  .meta({ id: "OutboxEntry" });

export const outboxResponseSchema = z
  .object({ status: outboxStatusSchema, entries: z.array(outboxEntrySchema) })
  .meta({ id: "Outbox" });

export const outboxRunSchema = z
  .object({ uploaded: z.int(), accepted: z.int(), rejected: z.int(), failed: z.int() })
  .meta({ id: "OutboxRun" });

/** What a log line is: a refill event, an NHI finding after the fact, or a refill due / missed in the period. */
export const refillLogEventKindSchema = z
  .enum([...REFILL_EVENT_TYPES, "finding", "due", "missed", "acknowledged"])
  .meta({ id: "RefillLogEventKind" });

export const refillLogEventSchema = z
  .object({
    at: rocDateTime.meta({ description: "When it happened, Taiwan time (NHI's time for other institutions' events)" }),
    kind: refillLogEventKindSchema,
    originalVisitId: z.string().meta({ description: "M16" }),
    patient: z.object({ name: z.string(), nationalId: z.string() }).meta({ description: "As masked by `mask`" }),
    refillNo: z.int().optional(),
    institutionCode: z
      .string()
      .optional()
      .meta({ description: "Where it happened (M05 of that institution); absent on a refill due or missed" }),
    institutionName: z
      .string()
      .optional()
      .meta({ description: "That institution's name: ours, the prescriber's, or another pharmacy's as NHI named it" }),
    elsewhere: z.boolean().optional(),
    pharmacistId: z.string().optional().meta({ description: "M06, masked unless mask=full" }),
    days: z.int().optional(),
    reason: z.array(z.string()).meta({
      description: "The rule codes of a refusal (dispensed-here, before-window …) or the one reason a pharmacist typed",
    }),
    reasonCodes: z.array(z.enum(REASON_CODES)).meta({
      description: "The rule codes of a refusal at the counter, from the closed list; empty for every other event",
    }),
    nhiCodes: z.array(z.string()).meta({
      description: "NHI codes of the event: D0xx refusals and findings, the abnormal code (A000 … E000), J000",
    }),
    message: messageSchema,
    upload: z
      .object({
        state: z.enum([...UPLOAD_STATES, "none"]),
        visitId: z.string().optional(),
        codes: z.array(z.string()),
        within24h: z.boolean().optional(),
      })
      .optional(),
    window: refillWindowSchema.optional(),
    confirmation: z.object({ pharmacistId: z.string(), at: rocDateTime }).optional().meta({
      description: "On a j000 event: who confirmed the cloud record and the clinic could not supply M18, when",
    }),
  })
  .meta({ id: "RefillLogEvent" });

const patientTotalsSchema = z
  .object({
    patient: z.object({ name: z.string(), nationalId: z.string() }).meta({ description: "As masked by `mask`" }),
    prescriptions: z.int(),
    dispensings: z.int(),
    dispensedElsewhere: z.int().meta({ description: "Dispensings at other pharmacies NHI told us of" }),
    overrides: z.int(),
    j000: z.int(),
    deletions: z.int(),
    refusals: z.int().meta({ description: "Refused at our counter (duplicates and every other block)" }),
    refillsDue: z.int(),
    refillsMissed: z.int(),
    incidents: z.int().meta({ description: "Incidents a re-check found on the patient's dispensings" }),
  })
  .meta({ id: "RefillLogPatientTotals" });

const pharmacistTotalsSchema = z
  .object({
    pharmacistId: z.string().meta({ description: "M06 as masked by `mask`; empty when the event named none" }),
    dispensings: z.int(),
    overrides: z.int(),
    j000: z.int(),
    deletions: z.int(),
    corrections: z.int(),
    refusals: z.int(),
  })
  .meta({ id: "RefillLogPharmacistTotals" });

const weekTotalsSchema = z
  .object({
    from: rocDate,
    to: rocDate,
    dispensings: z.int(),
    refillsDue: z.int().meta({ description: "Refills whose window opened that week and is open now" }),
    refillsMissed: z.int().meta({ description: "Refills whose window closed that week without a dispensing" }),
  })
  .meta({ id: "RefillLogWeekTotals" });

export const refillLogTotalsSchema = z
  .object({
    dispensings: z.int(),
    deletions: z.int(),
    refillsDue: z.int(),
    refillsMissed: z.int(),
    duplicatesStopped: z.int(),
    otherBlocks: z.int(),
    duplicatesFoundLater: z.int(),
    overrides: z.int(),
    j000: z.int(),
    cancellations: z.int(),
    restorations: z.int(),
    incidents: z.int().meta({ description: "Incidents a re-check found after a dispensing" }),
    incidentsAcknowledged: z.int().meta({ description: "Incidents a pharmacist acknowledged in the period" }),
    uploads: z.object({
      counted: z.int(),
      within24h: z.int(),
      pendingInTime: z.int(),
      rejected: z.int(),
      share: z.number().optional(),
      target: z.number(),
    }),
    byPatient: z.array(patientTotalsSchema).meta({ description: "Per patient, by name; columns add up to the totals" }),
    byPharmacist: z.array(pharmacistTotalsSchema).meta({ description: "Per pharmacist (M06, masked unless full)" }),
    byWeek: z.array(weekTotalsSchema).meta({ description: "Monday-to-Sunday weeks of the period, cut to it" }),
  })
  .meta({ id: "RefillLogTotals", description: "The same totals the PDF prints" });

export const refillLogResponseSchema = z
  .object({
    from: rocDate,
    to: rocDate,
    mask: z.enum(["full", "masked", "initials"]),
    generatedAt: rocDateTime,
    totals: refillLogTotalsSchema,
    events: z.array(refillLogEventSchema),
  })
  .meta({ id: "RefillLog" });

const cardIdentityOut = z
  .object({
    source: z.enum(["ic-card", "virtual-card"]),
    nationalId: z.string(),
    name: z.string().optional(),
    birthDate: z.string().optional(),
    sex: z.enum(["M", "F"]).optional(),
    cardNumber: z.string().optional(),
    proxy: z.boolean().optional(),
  })
  .meta({ id: "CardIdentityRead" });

const evidenceIdOut = z
  .string()
  .meta({ description: "Names this identity in checks and dispensings from the same terminal (15 minutes)" });

export const cardReadResponseSchema = z
  .object({
    terminalId: z.string(),
    reader: z.string().optional(),
    identity: cardIdentityOut,
    evidenceId: evidenceIdOut,
  })
  .meta({ id: "CardRead" });

export const virtualCardResponseSchema = z
  .object({ identity: cardIdentityOut, evidenceId: evidenceIdOut })
  .meta({ id: "VirtualCard" });

export const scanResponseSchema = z
  .object({
    codes: z.array(z.object({ format: z.string(), text: z.string() }).catchall(z.unknown())),
    visitId: z.string().optional().meta({ description: "The visit ID found on the prescription, if any" }),
    virtualCardToken: z.string().optional(),
    usable: z.boolean().optional().meta({ description: "A visit ID or a virtual-card token can be used" }),
    problems: z
      .array(z.object({ code: z.string(), message: messageSchema }))
      .optional()
      .meta({ description: "For the pharmacist, most important first (conflicting codes, several prescriptions …)" }),
  })
  .catchall(z.unknown())
  .meta({ id: "ScanResult" });

export const healthSchema = z.object({ status: z.enum(["ok"]) }).meta({ id: "Health" });

export const readinessSchema = z
  .object({
    ready: z.boolean(),
    database: z.boolean(),
    nhiReachable: z.boolean(),
    outbox: outboxStatusSchema,
  })
  .meta({ id: "Readiness" });

export const principalSchema = z
  .object({
    keyId: z.string(),
    label: z.string(),
    role: z.enum(["pharmacist", "owner"]),
    terminalId: z.string(),
    pharmacistId: z.string().optional(),
  })
  .meta({ id: "Principal" });

export const apiKeySchema = z
  .object({
    id: z.string(),
    label: z.string(),
    role: z.enum(["pharmacist", "owner"]),
    terminalId: z.string(),
    pharmacistId: z.string().optional(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: "ApiKey" });

export const createdKeySchema = z
  .object({ key: z.string().meta({ description: "Shown once; store it on the terminal" }), record: apiKeySchema })
  .meta({ id: "CreatedApiKey" });

export const auditEntrySchema = z
  .object({
    seq: z.int(),
    at: z.string(),
    type: z.string(),
    keyId: z.string().optional(),
    role: z.string().optional(),
    terminalId: z.string().optional(),
    pharmacistId: z.string().optional(),
    requestId: z.string().optional(),
    ip: z.string().optional(),
    route: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    prev: z.string(),
    hash: z.string(),
  })
  .meta({ id: "AuditEntry" });

export const settingsSchema = z
  .object({
    version: z.string(),
    nhi: z.object({ mode: z.enum(["sandbox", "remote"]), url: z.string().optional() }),
    limits: z.object({
      jsonBodyBytes: z.int(),
      imageBodyBytes: z.int(),
      ratePerSecond: z.number(),
      burst: z.int(),
    }),
    exports: z.array(z.enum(["json", "csv", "pdf"])),
    cardReader: z.boolean(),
    scanner: z.boolean(),
  })
  .meta({ id: "Settings" });
