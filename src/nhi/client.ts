/**
 * The NHI central side as rxdesk sees it. The sandbox adapter (src/nhi/sandbox/) implements it locally; a real
 * Web-API adapter would implement the same interface. Every method throws `NhiUnavailableError` when the NHI side
 * cannot be reached (network down, timeout, 5xx) so callers can fall back to offline rules.
 */
import type { Message } from "../domain/message.js";
import type { RocDateTime } from "../domain/roc-date.js";

export class NhiUnavailableError extends Error {
  override readonly name = "NhiUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Who is calling: the pharmacy's institution code (M05), as bound to its security module. */
export interface NhiCaller {
  institutionCode: string;
}

export interface UploadReceipt {
  /** Receipt number used to fetch the check-result report. */
  uploadId: string;
  receivedAt: string;
  recordCount: number;
}

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

/** The result of passing the card at our counter (control software write): M01, M02, M11, M13, M14, M15. */
export interface CardPass {
  samId: string; // M01
  cardNumber?: string; // M02
  visitDateTime: RocDateTime; // M11
  sequenceNumber?: string; // M13 (empty for pharmacy records on H01=A)
  signature: string; // M14
  visitId: string; // M15
}

export interface CardPassRequest {
  nationalId: string;
  cardNumber?: string;
  /** Visit category (M07); AF for pharmacy dispensing. */
  visitCategory: string;
  at?: Date;
}

/** API 1.54 hisGetTreatNumNoICCard: offline/abnormal visit ID. */
export interface OfflineVisitId {
  visitDateTime: RocDateTime;
  visitId: string;
}

export type VirtualCardResult =
  | { valid: true; nationalId: string; name?: string; birthDate?: string; proxy: boolean; sequencePrefix: "V" }
  | { valid: false; reason: "expired" | "used" | "unknown" | "revoked"; message: Message };

export interface NhiClient {
  /** Uploads one upload-format 2.0 document (Big5 bytes). */
  upload(caller: NhiCaller, document: Uint8Array): Promise<UploadReceipt>;
  /** The check-result report text (Big5 bytes) for an upload, or null while it is not ready. */
  fetchCheckReport(caller: NhiCaller, uploadId: string): Promise<Uint8Array | null>;
  prescriptionStatus(caller: NhiCaller, originalVisitId: string): Promise<PrescriptionStatusResult>;
  passCard(caller: NhiCaller, request: CardPassRequest): Promise<CardPass>;
  offlineVisitId(caller: NhiCaller, nationalId: string, at?: Date): Promise<OfflineVisitId>;
  verifyVirtualCard(caller: NhiCaller, token: string): Promise<VirtualCardResult>;
  /** Cheap reachability probe for status bars. */
  ping(): Promise<boolean>;
}
