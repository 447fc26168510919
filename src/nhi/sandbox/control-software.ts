/**
 * The sandbox's card reader control software (讀卡機控制軟體): the local half of the NHI boundary. It holds what a
 * real installation holds on the pharmacy PC (the visit-ID algorithm and the security module binding, here the
 * sandbox key and the institution's index), so API 1.54 keeps issuing offline visit IDs that NHI decodes later
 * while central is unreachable. The card pass asks central first, as the real one authenticates online: with
 * central down it throws `NhiUnavailableError` and the counter turns to the abnormal path.
 */
import { createHmac } from "node:crypto";
import { msg } from "../../domain/message.js";
import { rocDateTimeFromDate } from "../../domain/roc-date.js";
import {
  type CardControlSoftware,
  type CardPass,
  type CardPassRequest,
  type NhiCaller,
  NhiUnavailableError,
  type OfflineVisitId,
} from "../client.js";
import { requireInstitutionCode, requireNationalId, SandboxRequestError } from "./request-error.js";
import type { InstitutionKind } from "./types.js";
import { createVisitIdCodec, type VisitIdCodec } from "./visit-id-codec.js";

/** What the control software needs from its installation. */
export interface ControlSoftwareBackend {
  /** The visit-ID key and the institution's index, as installed (may need central the first time). */
  installation(institutionCode: string, kind: InstitutionKind): Promise<{ key: string; index: number }>;
  /** The next sequence number counter for a person at a prescriber (1, 2, …). */
  nextSequence(institutionCode: string, nationalId: string): Promise<number>;
  /** The card pass authenticates with NHI: false = central unreachable. */
  centralReachable(): Promise<boolean>;
  now(): Date;
}

/** The simulated NHI card number (M02, 12 digits) of a person's card. */
export function simulatedCardNumber(key: string, nationalId: string): string {
  const digest = createHmac("sha256", `${key}:card`).update(nationalId).digest();
  return `0000${(digest.readUInt32BE(0) % 100_000_000).toString().padStart(8, "0")}`;
}

/** Simulated security-module id (M01, 12 characters). */
export function simulatedSamId(institutionCode: string): string {
  return `SA${institutionCode}`;
}

/** Simulated signature (M14 / D11): keyed, so a changed record does not carry a matching one. */
export function simulatedSignature(key: string, text: string): string {
  return createHmac("sha256", `${key}:signature`).update(text).digest("base64");
}

export function createControlSoftware(backend: ControlSoftwareBackend): CardControlSoftware {
  const codecs = new Map<string, VisitIdCodec>();
  const codecFor = (key: string) => {
    let codec = codecs.get(key);
    if (!codec) {
      codec = createVisitIdCodec(key);
      codecs.set(key, codec);
    }
    return codec;
  };

  return {
    async passCard(caller: NhiCaller, request: CardPassRequest): Promise<CardPass> {
      const code = requireInstitutionCode(caller.institutionCode);
      const nationalId = requireNationalId(request.nationalId);
      if (!/^[0-9A-Z]{2}$/.test(request.visitCategory)) {
        throw new SandboxRequestError(400, msg("就醫類別應為2碼", "The visit category (M07) has 2 characters"));
      }
      if (!(await backend.centralReachable())) {
        throw new NhiUnavailableError(
          "card control software: NHI central is unreachable, so the card pass cannot authenticate (use API 1.54)",
        );
      }
      const kind = request.visitCategory === "AF" ? "pharmacy" : "prescriber";
      const { key, index } = await backend.installation(code, kind);
      const visitDateTime = rocDateTimeFromDate(request.at ?? backend.now());
      const visitId = codecFor(key).encode({ nationalId, visitDateTime, institutionIndex: index, offline: false });
      const pass: CardPass = {
        samId: simulatedSamId(code),
        visitDateTime,
        signature: simulatedSignature(key, `${nationalId}|${code}|${visitDateTime}|${visitId}`),
        visitId,
      };
      // The control software reads the card number from the card it writes; when the counter did not read it
      // itself (virtual card, reader owned by the control software), the sandbox plays that card.
      pass.cardNumber = request.cardNumber ?? simulatedCardNumber(key, nationalId);
      if (request.visitCategory !== "AF") {
        const n = await backend.nextSequence(code, nationalId);
        pass.sequenceNumber = String(((n - 1) % 1500) + 1).padStart(4, "0");
      }
      return pass;
    },

    async offlineVisitId(caller: NhiCaller, nationalIdInput: string, at?: Date): Promise<OfflineVisitId> {
      const code = requireInstitutionCode(caller.institutionCode);
      const nationalId = requireNationalId(nationalIdInput);
      const { key, index } = await backend.installation(code, "pharmacy");
      const visitDateTime = rocDateTimeFromDate(at ?? backend.now());
      return {
        visitDateTime,
        visitId: codecFor(key).encode({ nationalId, visitDateTime, institutionIndex: index, offline: true }),
      };
    },
  };
}
