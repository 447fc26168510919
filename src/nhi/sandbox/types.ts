/** The public shape of the NHI sandbox (see index.ts for `createSandbox`). */
import type { Message } from "../../domain/message.js";
import type { RocDate, RocDateTime } from "../../domain/roc-date.js";
import type { CardControlSoftware, NhiCentral, NhiClient } from "../client.js";
import type { SandboxClock } from "./clock.js";

export interface SandboxOptions {
  /** SQLite file holding the sandbox state; omitted = memory only (tests). */
  file?: string;
  /** Visit-ID key (≥ 16 characters). Default: the key stored in `file`, else a fresh random key. */
  key?: string;
  /** Clock for everything time-dependent (card passes, refill windows, token expiry, correction deadline). */
  now?: () => Date;
  /** Check reports become available this long after the upload (real NHI: about 2 h). Default 0. */
  reportDelayMs?: number;
  /** In-process client: a call slower than this (fault `slowMs`) fails with NhiUnavailableError. Default 10 s. */
  timeoutMs?: number;
}

export type InstitutionKind = "prescriber" | "pharmacy";

export interface InstitutionInput {
  code: string;
  kind: InstitutionKind;
  name?: string;
  /** First day the institution uploads in format 2.0; visits before it may carry SM00 (D068). Default 1130901. */
  format2Since?: RocDate;
  /** A new contract (新特約): from this date the clinic uploads H01=B with M13=G000 until its VPN works. */
  newContractSince?: RocDate;
}

export interface Institution {
  code: string;
  kind: InstitutionKind;
  name?: string;
  format2Since: RocDate;
  newContractSince?: RocDate;
  /** Index used inside the visit-ID encoding. */
  index: number;
}

export interface IssueVisitIdInput {
  nationalId: string;
  institutionCode: string;
  visitDateTime: RocDateTime | Date;
  /** API 1.54 offline/abnormal issue. */
  offline?: boolean;
}

export interface DecodedVisitId {
  nationalId: string;
  visitDateTime: RocDateTime;
  institutionCode: string;
  offline: boolean;
}

export interface FaultSettings {
  /** Delay every call by this many ms (HTTP and in-process). In-process calls time out after `timeoutMs`. */
  slowMs?: number;
  /** Answer every call with this 5xx status (true = 503). In-process: NhiUnavailableError. */
  serverError?: boolean | number;
  /** Drop the connection without an answer. In-process: NhiUnavailableError. */
  drop?: boolean;
  /** Check reports come back garbled (truncated and with bytes flipped). */
  garbledReport?: boolean;
  /** Limit the faults to these operations (default: every central operation, `ping` included; the control
   * software's `passCard` and `offlineVisitId` only when listed here). */
  only?: SandboxOperation[];
}

export type SandboxOperation =
  | "upload"
  | "fetchCheckReport"
  | "prescriptionStatus"
  | "passCard"
  | "offlineVisitId"
  | "verifyVirtualCard"
  | "ping";

export interface SandboxFaults {
  set(settings: FaultSettings): void;
  clear(): void;
  readonly current: Readonly<FaultSettings>;
}

export interface IssueVirtualCardInput {
  nationalId: string;
  name?: string;
  birthDate?: RocDate;
  /** Shown by a family member or another authorized proxy (national ID of the proxy when known). */
  proxy?: boolean | { nationalId: string };
}

export interface IssuedVirtualCard {
  token: string;
  issuedAt: string;
  expiresAt: string;
}

export type ScenarioName =
  | "chronicFresh"
  | "dispensedElsewhere"
  | "cancelledRestored"
  | "j000ClinicClosed"
  | "sm00PreFormat2"
  | "supplementMiss"
  | "oneOff"
  | "notYetUploaded";

export interface ScenarioCase {
  name: ScenarioName;
  description: Message;
  /** M16 to scan (SM00… for the pre-2.0 case). */
  originalVisitId: string;
  nationalId: string;
  patientName: string;
  birthDate: RocDate;
  prescriberInstitutionCode: string;
  /** M18 as the paper shows it; undefined when unknown (J000 case). */
  originalSequenceNumber?: string;
  originalVisitDateTime: RocDateTime;
  chronic: boolean;
  refillCount: number;
  daysPerRefill: number;
  /** The refill the pharmacy would dispense next, and what NHI would answer if it did. */
  nextRefillNo: number;
  expected: Message;
  /** 補卡 case: the actual visit date-time (M49) of the card-less dispensing. */
  actualVisitDateTime?: RocDateTime;
}

export interface SeededScenarios {
  pharmacyCode: string;
  otherPharmacyCode: string;
  clinicCode: string;
  closedClinicCode: string;
  preFormat2ClinicCode: string;
  cases: Record<ScenarioName, ScenarioCase>;
}

export interface UploadResult {
  uploadId: string;
  receivedAt: string;
  recordCount: number;
  accepted: number;
  rejected: number;
  results: { recordNo: number; accepted: boolean; errors: { field: string; code: string }[] }[];
}

export interface ListeningSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Sandbox {
  /** The sandbox's clock (set, advance, reset): `now` plus an offset. */
  readonly clock: SandboxClock;
  /** In-process NhiClient (honours faults): `central` and `controlSoftware` joined. */
  readonly client: NhiClient;
  /** The central side (Web-API) in-process; faults cut it. */
  readonly central: NhiCentral;
  /** The card reader control software beside it: keeps issuing API 1.54 visit IDs while central is cut. */
  readonly controlSoftware: CardControlSoftware;
  readonly faults: SandboxFaults;
  /** Serves the sandbox over HTTP on 127.0.0.1 (port 0 = any free port). */
  listen(port?: number, host?: string): Promise<ListeningSandbox>;
  registerInstitution(input: InstitutionInput): Promise<Institution>;
  institution(code: string): Institution | undefined;
  issueVisitId(input: IssueVisitIdInput): Promise<string>;
  decodeVisitId(visitId: string): DecodedVisitId | undefined;
  issueVirtualCard(input: IssueVirtualCardInput): Promise<IssuedVirtualCard>;
  /** Revokes one token, or every outstanding token of a person (card cancelled). Returns how many. */
  revokeVirtualCard(target: { token: string } | { nationalId: string }): Promise<number>;
  seedScenarios(input: { pharmacyCode: string; now?: Date }): Promise<SeededScenarios>;
  /** Per-record outcome of an upload as JSON (what the check report says, plus the accepted records). */
  uploadResult(institutionCode: string, uploadId: string): UploadResult | undefined;
  /** The current clock. */
  now(): Date;
  close(): Promise<void>;
}
