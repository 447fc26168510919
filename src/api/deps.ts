/** What the API is built from. Devices and exports are pluggable: absent ones answer 503 / 406 problems. */
import type { Logger } from "pino";
import type { Locale, Message } from "../domain/message.js";
import type { RocDate } from "../domain/roc-date.js";
import type { VirtualCardResult } from "../nhi/client.js";
import type { PatientMask, RefillLogData } from "../reports/model.js";
import type { RefillLogFilter } from "../reports/refill-log-data.js";
import type { CardIdentity, DispensingServiceApi } from "../service/types.js";
import type { AuditSink } from "./audit.js";
import type { EvidenceStore } from "./evidence.js";
import type { KeyStore } from "./keys.js";

export interface CardReader {
  /** Reads the patient's card at a terminal's reader; throws (card errors carry `code` + `reason: Message`). */
  read(terminalId: string, options: { timeoutMs: number }): Promise<{ reader?: string; identity: CardIdentity }>;
}

export interface VirtualCardVerifier {
  /** Asks NHI whether a virtual-card QR token is valid (5 minutes, single use) and whose it is. */
  verify(token: string): Promise<VirtualCardResult>;
}

export interface ScanResult {
  codes: { format: string; text: string; [extra: string]: unknown }[];
  visitId?: string;
  virtualCardToken?: string;
  /** Notes and refusals for the pharmacist (conflicting codes, no code …), most important first. */
  problems?: { code: string; message: Message }[];
  [extra: string]: unknown;
}

export interface Scanner {
  /** Decodes barcodes / QR codes on an uploaded prescription image (`typedText`: the visit ID as typed, to compare). */
  decode(
    image: Uint8Array,
    mediaType: string,
    options?: { typedText?: string; maxBytes?: number },
  ): Promise<ScanResult>;
}

export type ExportFormat = "csv" | "pdf";

export interface RefillLogExport {
  contentType: string;
  filename: string;
  body: Uint8Array | string;
}

export interface RefillLogQuery {
  from: RocDate;
  to: RocDate;
  mask: PatientMask;
  filter: RefillLogFilter;
}

/** The refill log as the reports build it: the same data (and totals) for JSON, CSV and PDF. */
export interface RefillLogExporter {
  /** The file formats this server can render (JSON always works). */
  formats: readonly ExportFormat[];
  data(query: RefillLogQuery): Promise<RefillLogData>;
  render(format: ExportFormat, data: RefillLogData, locale: Locale): Promise<RefillLogExport>;
}

export interface ApiLimits {
  jsonBodyBytes: number;
  imageBodyBytes: number;
  /** Per API key. */
  ratePerSecond: number;
  burst: number;
  /** Failed authentications per presented key (its key ID, or the start of a malformed one) per minute before 429. */
  loginFailuresPerMinute: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  jsonBodyBytes: 32 * 1024,
  imageBodyBytes: 8 * 1024 * 1024,
  ratePerSecond: 30,
  burst: 120,
  loginFailuresPerMinute: 20,
};

export interface AppInfo {
  version: string;
  nhi: { mode: "sandbox" | "remote"; url?: string };
}

export interface AppOptions {
  service: DispensingServiceApi;
  auth: KeyStore;
  audit: AuditSink;
  logger: Logger;
  cardReader?: CardReader;
  scanner?: Scanner;
  virtualCards?: VirtualCardVerifier;
  reports?: RefillLogExporter;
  limits?: Partial<ApiLimits>;
  info?: Partial<AppInfo>;
  /** Cards read and virtual cards verified by this server, named by evidenceId (default: a new store). */
  evidence?: EvidenceStore;
  /** The served OpenAPI document (default: schemas/openapi.json). */
  openapi?: unknown;
  /** Where this server listens (`http://host:port`), for the OpenAPI document's `servers`; known once listening. */
  serverUrl?: () => string | undefined;
  now?: () => Date;
}

export interface RouteDeps extends Omit<AppOptions, "limits" | "info" | "now" | "evidence"> {
  evidence: EvidenceStore;
  limits: ApiLimits;
  info: AppInfo;
  now: () => Date;
}
