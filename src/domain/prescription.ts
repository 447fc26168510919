/**
 * A prescription as NHI describes it (處方狀態, queried by M16): the prescriber's upload with its order lines, and
 * each refill's state with the events behind it (A/B dispensed, C cancelled, E restored, D deleted).
 */
import type { Message } from "./message.js";
import type { RocDateTime } from "./roc-date.js";

/** One order line (MB2) as the prescriber uploaded it; values are the upload-format strings. */
export interface PrescriptionOrder {
  orderType?: string; // D02
  orderNo?: string; // D03
  kind?: string; // D04 (C = chronic refill)
  dispensingMethod?: string; // D05
  drugCode?: string; // D06
  site?: string; // D07
  frequency?: string; // D08
  days?: number; // D09
  totalQuantity?: string; // D10
  route?: string; // D14
  remark?: string; // D15
}

export type RefillState = "undispensed" | "dispensed" | "cancelled";

export interface RefillEvent {
  /** A/B dispensed (upload), C cancelled, E restored, D deleted. */
  type: "A" | "B" | "C" | "E" | "D";
  at: RocDateTime;
  institutionCode: string;
  visitId?: string;
}

export interface RefillStatus {
  refillNo: number;
  state: RefillState;
  /** Set when the refill was cancelled by C and later restored by E. */
  restored?: boolean;
  dispensedBy?: string;
  /** The dispensing institution's name, when NHI knows it. */
  dispensedByName?: string;
  dispensedAt?: RocDateTime;
  /** The dispenser's own visit ID (M15). */
  dispensedVisitId?: string;
  days?: number;
  events: RefillEvent[];
}

export interface PrescriptionStatus {
  originalVisitId: string; // M16
  prescriberInstitutionCode: string; // M17
  prescriberName?: string;
  /** M18; absent when the prescriber's upload did not carry one. */
  originalSequenceNumber?: string;
  originalVisitDateTime: RocDateTime; // M19
  nationalId: string;
  birthDate?: string;
  chronic: boolean;
  /** M26: number of refills in total (2–4 for chronic prescriptions, 1 otherwise). */
  refillCount: number;
  /** M20: days per dispensing. */
  daysPerRefill: number;
  /** M21: chronic total days. */
  totalDays?: number;
  orders: PrescriptionOrder[];
  refills: RefillStatus[];
}

export type PrescriptionStatusResult =
  | { found: true; status: PrescriptionStatus }
  /** D024 prescriber never uploaded; D074 the visit ID is invalid and cannot be checked. */
  | { found: false; code: "D024" | "D074"; message: Message };
