/**
 * Request and response rules of the API's paper entry and incidents (issue 15): a prescription entered from the
 * paper, checked and dispensed, and the incidents re-checks find. The field formats are checked by the service
 * against the upload format's rules (each refusal names its field), so these only bound the shapes.
 */
import { z } from "zod/v4";
import { INCIDENT_KINDS } from "../../src/domain/incident.js";
import { PAPER_ENTRY_CAUSES } from "../../src/domain/paper-prescription.js";
import { cardEvidenceSchema, dateInputSchema, overrideSchema, reasonSchema } from "./requests.js";
import { reasonSchema as decisionReasonSchema, messageSchema, prescriptionSchema } from "./responses.js";

const text = (max: number, description: string) => z.string().max(max).meta({ description });

export const paperOrderSchema = z
  .strictObject({
    drugCode: text(20, "D06 drug code"),
    totalQuantity: text(10, "D10 total quantity"),
    frequency: text(20, "D08 frequency").optional(),
    days: z.int().min(1).max(90).optional().meta({ description: "D09 days; defaults to M20" }),
    route: text(10, "D14 route").optional(),
  })
  .meta({ id: "PaperOrderLine" });

export const paperPrescriptionSchema = z
  .strictObject({
    originalVisitId: text(64, "M16 as printed: a visit ID, or SM00 0000 0000 0000 0000 for a pre-2.0 paper"),
    prescriberInstitutionCode: text(20, "M17 the prescriber's institution code"),
    prescriberName: text(40, "The prescriber's name, if known").optional(),
    originalSequenceNumber: text(8, "M18 when printed (G000 allowed); missing on refill 2+ means J000").optional(),
    originalVisitDateTime: text(20, "M19 yyyMMddHHmmss (原就診日期時間)"),
    chronic: z.boolean().meta({ description: "A chronic refill prescription (慢性病連續處方箋)" }),
    refillNo: z.int().min(1).max(9).meta({ description: "M33: which refill this is (1 when not chronic)" }),
    refillCount: z.int().min(1).max(9).meta({ description: "M26: refills in all (2–4 chronic, 1 otherwise)" }),
    daysPerRefill: z.int().min(1).max(99).meta({ description: "M20: days per dispensing as prescribed" }),
    orders: z.array(paperOrderSchema).max(500).meta({ description: "MB2 order lines (at least one)" }),
    birthDate: text(
      7,
      "M04 the patient's birth date yyyMMdd as printed; required when the card does not give it",
    ).optional(),
  })
  .meta({ id: "PaperPrescription" });

export const paperDispenseBodySchema = z
  .strictObject({
    paper: paperPrescriptionSchema,
    card: cardEvidenceSchema.meta({
      description:
        "The patient: a card read or verified virtual card (evidenceId), or typed from the paper with a reason",
    }),
    override: overrideSchema.optional().meta({
      description: "Required when NHI is unreachable (outcome override): the reason and the cause's abnormal code",
    }),
    notUploadedOverride: z
      .strictObject({ reason: reasonSchema })
      .optional()
      .meta({ description: "D024 on a chronic refill 2+: a block unless overridden with this reason (audited)" }),
    j000Confirmation: z
      .strictObject({ cloudRecordChecked: z.literal(true), prescriberAsked: z.literal(true) })
      .optional()
      .meta({ description: "Required on refill 2+ without M18 (J000, seed 004 §三(四)6)" }),
    days: z.int().min(1).max(90).optional().meta({ description: "Days supplied now; defaults to M20" }),
  })
  .meta({
    id: "PaperDispenseRequest",
    description: "The pharmacist (M06) and terminal come from the API key. The same body checks (paper-checks).",
  });

export const paperCheckResultSchema = z
  .object({
    ok: z.boolean().meta({ description: "false: refused, nothing written; each field error names its `field`" }),
    kind: z.enum(["conflict", "invalid", "not-found", "override"]).optional(),
    cause: z.enum(PAPER_ENTRY_CAUSES).optional(),
    outcome: z
      .enum(["dispense", "override"])
      .optional()
      .meta({ description: "override: NHI unreachable, dispensing needs `override` (reason, cause)" }),
    refillNo: z.int().optional(),
    prescription: prescriptionSchema.optional(),
    reasons: z.array(decisionReasonSchema),
  })
  .meta({ id: "PaperCheckResult" });

export const incidentsQuerySchema = z.strictObject({
  state: z.enum(["open", "acknowledged", "all"]).default("open"),
  from: dateInputSchema.optional().meta({ description: "Found on or after this day (Taiwan)" }),
  to: dateInputSchema.optional().meta({ description: "Found on or before this day (Taiwan)" }),
});

export const acknowledgeBodySchema = z
  .strictObject({ note: reasonSchema.meta({ description: "What the pharmacist in charge did about it" }) })
  .meta({ id: "AcknowledgeIncidentRequest" });

export const incidentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INCIDENT_KINDS),
    at: z.string().meta({ description: "When the re-check found it (ISO instant)" }),
    dispensingId: z.string(),
    originalVisitId: z.string(),
    refillNo: z.int(),
    nationalId: z.string(),
    pharmacistId: z.string(),
    nhiCodes: z.array(z.string()),
    differences: z.array(z.object({ field: z.string(), typed: z.string(), nhi: z.string() })).optional(),
    otherInstitution: z.object({ code: z.string(), name: z.string().optional() }).optional(),
    message: messageSchema,
    acknowledged: z.object({ pharmacistId: z.string(), at: z.string(), note: z.string() }).optional(),
  })
  .meta({ id: "Incident" });
