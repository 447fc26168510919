/**
 * The sandbox's central side, shared by the in-process client and the Koa app: institutions, visit IDs, uploads
 * with central checks and check-result reports, prescription status, card passes and virtual cards.
 */
import { randomBytes } from "node:crypto";
import { msg } from "../../domain/message.js";
import { isRocDate, type RocDate, rocDateTimeFromDate } from "../../domain/roc-date.js";
import { isVisitId } from "../../domain/visit-id.js";
import type {
  CardControlSoftware,
  CardPass,
  CardPassRequest,
  NhiCaller,
  PrescriptionStatusResult,
  UploadReceipt,
  VirtualCardResult,
} from "../client.js";
import type { CheckContext, Mutation } from "./central-checks.js";
import { checkDocument, type UploadDoc } from "./check-document.js";
import { type ControlSoftwareBackend, createControlSoftware, simulatedCardNumber } from "./control-software.js";
import type { UploadRecord } from "./format-bridge.js";
import type { DocWrite, Persistence } from "./persistence.js";
import { requireInstitutionCode, requireNationalId, SandboxRequestError } from "./request-error.js";
import { type RefillEventDoc, SandboxState, type StoredRecord, today } from "./state.js";
import { statusAnswer } from "./status-answer.js";
import type {
  DecodedVisitId,
  Institution,
  InstitutionInput,
  IssuedVirtualCard,
  IssueVirtualCardInput,
  IssueVisitIdInput,
  SeededScenarios,
} from "./types.js";
import { VirtualCardDesk } from "./virtual-card-desk.js";
import type { TokenDoc } from "./virtual-cards.js";
import { createVisitIdCodec, INSTITUTION_SPACE, type VisitIdCodec } from "./visit-id-codec.js";

export type { UploadDoc };
export { SandboxRequestError };

export const DEFAULT_FORMAT2_SINCE = "1130901" as RocDate;
/** How far a visit date-time (M11) may lie after the upload before it is "later than the upload" (BD). */
export const CLOCK_SKEW_MS = 10 * 60_000;

export interface CoreOptions {
  persistence: Persistence;
  key?: string;
  now: () => Date;
  reportDelayMs: number;
}

export class SandboxCore {
  readonly state = new SandboxState();
  readonly now: () => Date;
  private codec!: VisitIdCodec;
  private key!: string;
  private readonly uploads = new Map<string, UploadDoc>();
  private readonly meta = new Map<string, unknown>();
  private readonly decodeCache = new Map<string, DecodedVisitId | null>();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly persistence: Persistence;
  private readonly reportDelayMs: number;
  private eventSeq = 0;

  private readonly cards: VirtualCardDesk;

  private constructor(options: CoreOptions) {
    this.persistence = options.persistence;
    this.now = options.now;
    this.reportDelayMs = options.reportDelayMs;
    this.cards = new VirtualCardDesk({
      exclusive: (fn) => this.exclusive(fn),
      write: (batch) => this.write(batch),
      now: () => this.now(),
    });
  }

  static async open(options: CoreOptions): Promise<SandboxCore> {
    const core = new SandboxCore(options);
    await core.load(options.key);
    return core;
  }

  private async load(key: string | undefined): Promise<void> {
    for (const doc of await this.persistence.loadAll()) {
      switch (doc.kind) {
        case "meta":
          this.meta.set(doc.id, doc.value);
          break;
        case "institution":
          this.state.putInstitution(doc.value as Institution);
          break;
        case "record":
          this.state.putRecord(doc.value as StoredRecord);
          break;
        case "refillEvent":
          this.state.addRefillEvent(doc.value as RefillEventDoc);
          this.eventSeq++;
          break;
        case "upload":
          this.uploads.set(doc.id, doc.value as UploadDoc);
          break;
        case "token":
          this.cards.load(doc.value as TokenDoc);
          break;
      }
    }
    const stored = this.meta.get("key") as string | undefined;
    this.key = key ?? stored ?? randomBytes(24).toString("base64url");
    if (stored !== undefined && key !== undefined && stored !== key) {
      throw new Error("the sandbox file was created with another visit-ID key; its visit IDs would not decode");
    }
    if (stored === undefined) await this.write([{ kind: "meta", id: "key", value: this.key }]);
    this.codec = createVisitIdCodec(this.key);
  }

  async close(): Promise<void> {
    await this.lock.catch(() => {});
    await this.persistence.close();
  }

  /** Runs state changes one at a time so every check sees the state the previous one left. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  private async write(batch: DocWrite[]): Promise<void> {
    for (const doc of batch) if (doc.kind === "meta") this.meta.set(doc.id, doc.value);
    await this.persistence.write(batch);
  }

  private counter(name: string, batch: DocWrite[]): number {
    const next = Number(this.meta.get(name) ?? 0) + 1;
    this.meta.set(name, next);
    batch.push({ kind: "meta", id: name, value: next });
    return next;
  }

  // ---- institutions and visit IDs -------------------------------------------------------------------------

  institution(code: string): Institution | undefined {
    return this.state.institutions.get(code);
  }

  registerInstitution(input: InstitutionInput): Promise<Institution> {
    return this.exclusive(async () => {
      const batch: DocWrite[] = [];
      const inst = this.registerLocked(input, batch, true);
      await this.write(batch);
      return inst;
    });
  }

  private registerLocked(input: InstitutionInput, batch: DocWrite[], update: boolean): Institution {
    const code = requireInstitutionCode(input.code);
    if (input.format2Since !== undefined && !isRocDate(input.format2Since)) {
      throw new SandboxRequestError(400, msg("format2Since 應為民國日期", "format2Since must be a ROC date (yyyMMdd)"));
    }
    const existing = this.state.institutions.get(code);
    if (existing && !update) return existing;
    const index = existing?.index ?? this.state.institutions.size;
    if (BigInt(index) >= INSTITUTION_SPACE) {
      throw new SandboxRequestError(
        400,
        msg("沙盒登錄之院所已達上限", "The sandbox cannot register more institutions"),
      );
    }
    const inst: Institution = {
      code,
      kind: input.kind,
      format2Since: input.format2Since ?? existing?.format2Since ?? DEFAULT_FORMAT2_SINCE,
      index,
    };
    const name = input.name ?? existing?.name;
    if (name !== undefined) inst.name = name;
    const newContractSince = input.newContractSince ?? existing?.newContractSince;
    if (newContractSince !== undefined) inst.newContractSince = newContractSince;
    this.state.putInstitution(inst);
    batch.push({ kind: "institution", id: code, value: inst });
    return inst;
  }

  private async ensureInstitution(code: string, kind: "prescriber" | "pharmacy"): Promise<Institution> {
    const existing = this.state.institutions.get(code);
    if (existing) return existing;
    return this.exclusive(async () => {
      const batch: DocWrite[] = [];
      const inst = this.registerLocked({ code, kind }, batch, false);
      await this.write(batch);
      return inst;
    });
  }

  async issueVisitId(input: IssueVisitIdInput): Promise<string> {
    const nationalId = requireNationalId(input.nationalId);
    const code = requireInstitutionCode(input.institutionCode);
    const at = input.visitDateTime instanceof Date ? rocDateTimeFromDate(input.visitDateTime) : input.visitDateTime;
    const inst = await this.ensureInstitution(code, "prescriber");
    return this.codec.encode({ nationalId, visitDateTime: at, institutionIndex: inst.index, offline: !!input.offline });
  }

  decodeVisitId(visitId: string): DecodedVisitId | undefined {
    const cached = this.decodeCache.get(visitId);
    if (cached !== undefined) return cached ?? undefined;
    const fields = isVisitId(visitId) ? this.codec.decode(visitId) : undefined;
    const inst = fields ? this.state.institutionsByIndex.get(fields.institutionIndex) : undefined;
    const decoded =
      fields && inst
        ? {
            nationalId: fields.nationalId,
            visitDateTime: fields.visitDateTime,
            institutionCode: inst.code,
            offline: fields.offline,
          }
        : undefined;
    if (this.decodeCache.size > 50_000) this.decodeCache.clear();
    // Undecodable results are not cached: the institution may be registered later.
    if (decoded) this.decodeCache.set(visitId, decoded);
    return decoded;
  }

  // ---- uploads -----------------------------------------------------------------------------------------------

  upload(caller: NhiCaller, document: Uint8Array): Promise<UploadReceipt> {
    const callerCode = requireInstitutionCode(caller.institutionCode);
    return this.exclusive(async () => {
      const received = this.now();
      const receivedAt = received.toISOString();
      const batch: DocWrite[] = [];
      const uploadId = `${rocDateTimeFromDate(received).slice(0, 7)}${String(this.counter("uploadSeq", batch)).padStart(7, "0")}`;
      const callerKind = this.state.institutions.get(callerCode)?.kind;
      const ctx: CheckContext = {
        state: this.state,
        decode: (id: string) => this.decodeVisitId(id),
        today: today(received),
        nowDateTime: rocDateTimeFromDate(received),
        latestVisitDateTime: rocDateTimeFromDate(new Date(received.getTime() + CLOCK_SKEW_MS)),
        format2Since: (code: string) => this.state.institutions.get(code)?.format2Since ?? DEFAULT_FORMAT2_SINCE,
        kindOf: (code: string) => this.state.institutions.get(code)?.kind,
      };
      const { recordCount, results, report } = checkDocument(
        ctx,
        { document, callerCode, callerKind, uploadId, receivedAt },
        (mutation) => this.apply(mutation, batch),
      );
      const accepted = results.filter((r) => r.accepted).length;
      const doc: UploadDoc = {
        uploadId,
        institutionCode: callerCode,
        receivedAt,
        readyAt: new Date(received.getTime() + this.reportDelayMs).toISOString(),
        recordCount,
        accepted,
        rejected: recordCount - accepted,
        report,
        results,
      };
      this.uploads.set(uploadId, doc);
      batch.push({ kind: "upload", id: uploadId, value: doc });
      await this.write(batch);
      return { uploadId, receivedAt, recordCount: doc.recordCount };
    });
  }

  private apply(mutation: Mutation, batch: DocWrite[]): void {
    const event = mutation.kind === "refill" ? mutation : mutation.event;
    if (mutation.kind === "put") {
      this.state.putRecord(mutation.stored);
      batch.push({ kind: "record", id: mutation.stored.key, value: mutation.stored });
    } else if (mutation.kind === "delete") {
      this.state.deleteRecord(mutation.key);
      batch.push({ kind: "record", id: mutation.key, value: undefined });
    }
    if (event) {
      this.eventSeq++;
      const doc: RefillEventDoc = {
        id: String(this.eventSeq).padStart(10, "0"),
        originalVisitId: event.originalVisitId,
        refillNo: event.refillNo,
        event: event.event,
      };
      this.state.addRefillEvent(doc);
      batch.push({ kind: "refillEvent", id: doc.id, value: doc });
    }
  }

  /** The stored outcome of an upload (for tests, the CLI and the HTTP app's JSON view). */
  uploadResult(caller: NhiCaller, uploadId: string): UploadDoc | undefined {
    const doc = this.uploads.get(uploadId);
    return doc && doc.institutionCode === caller.institutionCode ? doc : undefined;
  }

  fetchCheckReport(caller: NhiCaller, uploadId: string): Uint8Array | null {
    const doc = this.uploadResult(caller, uploadId);
    if (!doc) {
      throw new SandboxRequestError(
        404,
        msg(`查無上傳編號 ${uploadId}（或非本院所上傳）`, `No upload ${uploadId} from this institution`),
      );
    }
    if (this.now().getTime() < Date.parse(doc.readyAt)) return null;
    return new Uint8Array(Buffer.from(doc.report, "base64"));
  }

  // ---- status ------------------------------------------------------------------------------------------------

  prescriptionStatus(_caller: NhiCaller, originalVisitId: string): PrescriptionStatusResult {
    return statusAnswer(this.state, (id) => this.decodeVisitId(id), originalVisitId);
  }

  // ---- card pass, API 1.54 (the control software, see control-software.ts) -----------------------------------

  /** The control software installed at any registered institution, as the sandbox itself uses it (scenarios). */
  readonly controlSoftware: CardControlSoftware = createControlSoftware(this.controlSoftwareBackend(async () => true));

  /** The installation the sandbox's control software reads: its key, the registry, the persisted counters. */
  controlSoftwareBackend(centralReachable: () => Promise<boolean>): ControlSoftwareBackend {
    return {
      installation: async (code, kind) => ({ key: this.key, index: (await this.ensureInstitution(code, kind)).index }),
      nextSequence: (code, nationalId) =>
        this.exclusive(async () => {
          const batch: DocWrite[] = [];
          const n = this.counter(`seq:${code}:${nationalId}`, batch);
          await this.write(batch);
          return n;
        }),
      centralReachable,
      now: () => this.now(),
    };
  }

  passCard(caller: NhiCaller, request: CardPassRequest): Promise<CardPass> {
    return this.controlSoftware.passCard(caller, request);
  }

  /** What installing the control software at an institution hands over: the key and the institution's index. */
  async installControlSoftware(
    institutionCode: string,
  ): Promise<{ key: string; institutionCode: string; index: number }> {
    const inst = await this.ensureInstitution(requireInstitutionCode(institutionCode), "pharmacy");
    return { key: this.key, institutionCode: inst.code, index: inst.index };
  }

  /** The simulated NHI card number (M02, 12 digits) of a person's card. */
  cardNumberOf(nationalId: string): string {
    return simulatedCardNumber(this.key, nationalId);
  }

  // ---- virtual cards (virtual-card-desk.ts) ---------------------------------------------------------------------

  issueVirtualCard(input: IssueVirtualCardInput): Promise<IssuedVirtualCard> {
    return this.cards.issue(input);
  }

  revokeVirtualCard(target: { token: string } | { nationalId: string }): Promise<number> {
    return this.cards.revoke(target);
  }

  verifyVirtualCard(caller: NhiCaller, token: string): Promise<VirtualCardResult> {
    return this.cards.verify(caller, token);
  }

  // ---- seeding ------------------------------------------------------------------------------------------------

  /** The scenarios already seeded for a pharmacy: seeding again answers them instead of seeding twice. */
  seededScenarios(pharmacyCode: string): SeededScenarios | undefined {
    return this.meta.get(`scenarios:${pharmacyCode}`) as SeededScenarios | undefined;
  }

  rememberScenarios(seeded: SeededScenarios): Promise<void> {
    return this.exclusive(() => this.write([{ kind: "meta", id: `scenarios:${seeded.pharmacyCode}`, value: seeded }]));
  }

  /** Stores a record as legacy data, bypassing the upload (J000 case: the prescriber's M18 is not known). */
  seedLegacyRecord(record: UploadRecord, options: { sequenceNumberWithheld?: boolean } = {}): Promise<void> {
    return this.exclusive(async () => {
      const key = record.mb1.M15 ?? "";
      const stored: StoredRecord = {
        key,
        institutionCode: record.mb1.M05 ?? "",
        record,
        uploadId: "legacy",
        receivedAt: this.now().toISOString(),
      };
      if (options.sequenceNumberWithheld) stored.sequenceNumberWithheld = true;
      this.state.putRecord(stored);
      await this.write([{ kind: "record", id: key, value: stored }]);
    });
  }
}
