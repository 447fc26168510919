/**
 * The NHI boundary as rxdesk sees it: two different things behind two interfaces (see src/nhi/README.md).
 *
 * - `NhiCentral`: NHI's central services, reached over the VPN Web-API (upload, check-result report, prescription
 *   status by M16, virtual-card verification). Needs the network.
 * - `CardControlSoftware`: the pharmacy's local card reader control software (讀卡機控制軟體): the card pass and
 *   write (M01, M02, M11, M13, M14, M15) and API 1.54, the offline visit ID, which works without the network.
 *
 * The sandbox (src/nhi/sandbox/) implements both; a real deployment plugs in a Web-API adapter and a control
 * software adapter. Every method throws `NhiUnavailableError` when its side cannot be reached or answers garbage
 * (network down, timeout, 5xx, a wrong-shaped answer) so callers can fall back to offline rules.
 */
import type { Message } from "../domain/message.js";
import type { PrescriptionStatusResult } from "../domain/prescription.js";
import type { RocDateTime } from "../domain/roc-date.js";

export class NhiUnavailableError extends Error {
  override readonly name = "NhiUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What a person sees when an NHI answer could not be used: unreachable, or an answer of the wrong shape. */
export const NHI_UNAVAILABLE_OR_GARBLED: Message = {
  zh: "健保署無法連線或回應內容錯誤",
  en: "NHI unavailable or garbled",
};

/** NHI answered, but not in the agreed shape: treated like an outage, never stored. */
export class NhiGarbledAnswerError extends NhiUnavailableError {
  constructor(
    readonly operation: string,
    readonly problems: string[],
  ) {
    super(`${NHI_UNAVAILABLE_OR_GARBLED.en}: ${operation} answered ${problems.slice(0, 3).join("; ")}`);
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

export type {
  PrescriptionOrder,
  PrescriptionStatus,
  PrescriptionStatusResult,
  RefillEvent,
  RefillState,
  RefillStatus,
} from "../domain/prescription.js";

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

/** Why NHI refused a virtual card QR. */
export const VIRTUAL_CARD_REFUSALS = ["expired", "used", "unknown", "revoked"] as const;

export type VirtualCardRefusal = (typeof VIRTUAL_CARD_REFUSALS)[number];

export type VirtualCardResult =
  | { valid: true; nationalId: string; name?: string; birthDate?: string; proxy: boolean; sequencePrefix: "V" }
  | { valid: false; reason: VirtualCardRefusal; message: Message };

/** NHI's central services (Web-API over the VPN). */
export interface NhiCentral {
  /** Uploads one upload-format 2.0 document (Big5 bytes). */
  upload(caller: NhiCaller, document: Uint8Array): Promise<UploadReceipt>;
  /** The check-result report text (Big5 bytes) for an upload, or null while it is not ready. */
  fetchCheckReport(caller: NhiCaller, uploadId: string): Promise<Uint8Array | null>;
  prescriptionStatus(caller: NhiCaller, originalVisitId: string): Promise<PrescriptionStatusResult>;
  verifyVirtualCard(caller: NhiCaller, token: string): Promise<VirtualCardResult>;
  /** Cheap reachability probe for status bars. */
  ping(): Promise<boolean>;
}

/**
 * The pharmacy's card reader control software (讀卡機控制軟體), running on this machine. The card pass needs NHI
 * (it throws `NhiUnavailableError` when central cannot be reached: the abnormal path starts there); API 1.54
 * (`offlineVisitId`) works offline. The card's basic data (identity, no SAM needed) is read over PC/SC by src/card.
 */
export interface CardControlSoftware {
  passCard(caller: NhiCaller, request: CardPassRequest): Promise<CardPass>;
  /** API 1.54 hisGetTreatNumNoICCard: the computer's date-time (M11) and an offline visit ID (M15). */
  offlineVisitId(caller: NhiCaller, nationalId: string, at?: Date): Promise<OfflineVisitId>;
}

/** Both faces, as the dispensing service uses them. */
export interface NhiClient extends NhiCentral, CardControlSoftware {}

/** One client from the central adapter and the local control software. */
export function joinNhi(central: NhiCentral, cardSoftware: CardControlSoftware): NhiClient {
  return {
    upload: (caller, document) => central.upload(caller, document),
    fetchCheckReport: (caller, uploadId) => central.fetchCheckReport(caller, uploadId),
    prescriptionStatus: (caller, originalVisitId) => central.prescriptionStatus(caller, originalVisitId),
    verifyVirtualCard: (caller, token) => central.verifyVirtualCard(caller, token),
    ping: () => central.ping(),
    passCard: (caller, request) => cardSoftware.passCard(caller, request),
    offlineVisitId: (caller, nationalId, at) => cardSoftware.offlineVisitId(caller, nationalId, at),
  };
}
