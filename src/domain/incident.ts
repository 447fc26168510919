/**
 * Incidents (異常事件): what a central re-check found wrong with a dispensing made without NHI's word — entered from
 * the paper, or dispensed while NHI was down. The pharmacist in charge sees them at the counter and acknowledges
 * each with a note; the owner sees them in the refill log.
 */
import type { Message } from "./message.js";

/**
 * - dispensed-elsewhere: another institution dispensed the same refill (D025);
 * - cancelled: the prescriber had cancelled the refill (D023);
 * - details-differ: NHI's prescription differs from what was typed from the paper (M17, M19, patient, M26, M20);
 * - not-uploaded: the clinic still has not uploaded the prescription 24 hours after we dispensed it (D024);
 * - invalid-visit-id: NHI cannot check the typed M16 (D074).
 */
export const INCIDENT_KINDS = [
  "dispensed-elsewhere",
  "cancelled",
  "details-differ",
  "not-uploaded",
  "invalid-visit-id",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** A dispensing's standing with NHI's prescription status. */
export const VERIFICATION_STATES = ["unverified", "verified", "conflict", "uncheckable"] as const;
/**
 * unverified: made without NHI's word, re-check pending; verified: the re-check agreed; conflict: the re-check found
 * an incident; uncheckable: NHI keeps no status to check against (SM00 papers: the upload's check is the only one).
 */
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export interface IncidentView {
  id: string;
  kind: IncidentKind;
  /** When the re-check found it (ISO instant). */
  at: string;
  dispensingId: string;
  originalVisitId: string; // M16
  refillNo: number;
  nationalId: string;
  /** The pharmacist who dispensed. */
  pharmacistId: string;
  /** NHI's codes behind it (D025, D023, D024, D074). */
  nhiCodes: string[];
  /** For details-differ: each field as typed and as NHI has it. */
  differences?: { field: string; typed: string; nhi: string }[];
  /** The other institution (dispensed-elsewhere). */
  otherInstitution?: { code: string; name?: string };
  message: Message;
  acknowledged?: { pharmacistId: string; at: string; note: string };
}
