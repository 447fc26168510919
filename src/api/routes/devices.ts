/** Reading the patient's card at a terminal, and decoding an uploaded prescription image. */
import {
  cardReadBodySchema,
  emptyQuerySchema,
  scanQuerySchema,
  terminalIdParamSchema,
  virtualCardBodySchema,
} from "../../../schemas/api/requests.js";
import {
  cardReadResponseSchema,
  scanResponseSchema,
  virtualCardResponseSchema,
} from "../../../schemas/api/responses.js";
import { CARD_ERROR_CODES } from "../../card/errors.js";
import type { Message } from "../../domain/message.js";
import type { RocDate } from "../../domain/roc-date.js";
import { SCAN_ERROR_CODES } from "../../scan/errors.js";
import type { CardIdentity } from "../../service/types.js";
import type { RouteDeps } from "../deps.js";
import { ROLES } from "../keys.js";
import { ApiProblem } from "../problem.js";
import { type AnyRoute, defineRoute } from "../route.js";

export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif", "image/tiff"];

/** The value is one of the list's (a device error's code passed on as a problem code: see problem-codes.ts). */
function isOneOf<T>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

/** Card error codes (src/card/errors.ts) that mean "the hardware or service is missing" rather than "the card". */
const CARD_UNAVAILABLE = new Set(["pcscd-not-running", "no-reader", "reader-not-found", "reader-removed"]);

function isMessage(value: unknown): value is Message {
  return !!value && typeof (value as Message).zh === "string" && typeof (value as Message).en === "string";
}

function deviceMissing(what: "card" | "scan"): ApiProblem {
  return what === "card"
    ? new ApiProblem(503, "card-reader-unavailable", {
        zh: "此伺服器未設定讀卡機",
        en: "No card reader is configured on this server",
      })
    : new ApiProblem(503, "scanner-unavailable", {
        zh: "此伺服器未設定影像解碼",
        en: "Image decoding is not configured on this server",
      });
}

export function deviceRoutes(deps: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/terminals/{terminalId}/card-read",
      operationId: "readCard",
      summary: "Read the NHI card in a terminal's reader (identity only: no medical data)",
      description:
        "A pharmacist key may read its own terminal's reader only; an owner key any terminal. " +
        "409 for card problems (no card, mute, wrong card), 503 when the reader or pcscd is missing.",
      tag: "devices",
      roles: ROLES,
      params: { terminalId: terminalIdParamSchema },
      body: { kind: "json", schema: cardReadBodySchema, optional: true },
      query: emptyQuerySchema,
      errors: [409, 503],
      responses: { 200: { description: "The card's identity", schema: cardReadResponseSchema } },
      async handler(ctx, { params, body, principal }) {
        const terminalId = params.terminalId as string;
        if (principal.role !== "owner" && principal.terminalId !== terminalId) {
          throw new ApiProblem(
            403,
            "other-terminal",
            {
              zh: `此金鑰屬於終端「${principal.terminalId}」，不能讀取「${terminalId}」的讀卡機`,
              en: `This key belongs to terminal "${principal.terminalId}"; it cannot use the reader of "${terminalId}"`,
            },
            { details: { keyTerminal: principal.terminalId } },
          );
        }
        if (!deps.cardReader) throw deviceMissing("card");
        try {
          const read = await deps.cardReader.read(terminalId, { timeoutMs: body.timeoutMs ?? 0 });
          ctx.body = {
            terminalId,
            ...(read.reader ? { reader: read.reader } : {}),
            identity: read.identity,
            evidenceId: deps.evidence.issue(read.identity, terminalId),
          };
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          const reason = (error as { reason?: unknown }).reason;
          if (isOneOf(CARD_ERROR_CODES, code) && isMessage(reason)) {
            throw new ApiProblem(CARD_UNAVAILABLE.has(code) ? 503 : 409, `card-${code}`, reason);
          }
          throw error;
        }
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/scans",
      operationId: "decodePrescriptionImage",
      summary: "Decode the visit ID barcode / QR (or a virtual-card QR) on an uploaded prescription image",
      description: "Send the image bytes as the body with its image media type. 422 when no code can be read.",
      tag: "devices",
      roles: ROLES,
      body: { kind: "binary", mediaTypes: IMAGE_MEDIA_TYPES, description: "A photo or scan of the prescription" },
      query: scanQuerySchema,
      errors: [422, 503],
      responses: {
        200: {
          description: "The codes found, the agreed visit ID or virtual-card token, and problems to show (conflicts …)",
          schema: scanResponseSchema,
        },
      },
      async handler(ctx, { body, query }) {
        if (!deps.scanner) throw deviceMissing("scan");
        const image = body as unknown as Buffer;
        const mediaType = (ctx.get("content-type").split(";")[0] ?? "").trim().toLowerCase();
        let result: Awaited<ReturnType<typeof deps.scanner.decode>>;
        try {
          result = await deps.scanner.decode(
            new Uint8Array(image.buffer, image.byteOffset, image.byteLength),
            mediaType,
            {
              ...(query.typed ? { typedText: query.typed } : {}),
              maxBytes: deps.limits.imageBodyBytes,
            },
          );
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          const reason = (error as { reason?: unknown }).reason;
          if (isMessage(reason)) {
            throw new ApiProblem(
              code === "too-large" ? 413 : 422,
              `scan-${isOneOf(SCAN_ERROR_CODES, code) ? code : "failed"}`,
              reason,
            );
          }
          throw error;
        }
        if (result.codes.length === 0) {
          throw new ApiProblem(
            422,
            "no-code-found",
            result.problems?.[0]?.message ?? {
              zh: "影像中找不到條碼或 QR 碼，請重新拍攝（對焦、避免反光）",
              en: "No barcode or QR code found in the image; retake it (in focus, no glare)",
            },
          );
        }
        ctx.body = result;
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/virtual-cards/verify",
      operationId: "verifyVirtualCard",
      summary: "Verify a scanned virtual NHI card QR with NHI (valid 5 minutes, single use) and return the identity",
      description: "409 when the QR expired, was used already, was revoked or is unknown; 503 when NHI is unreachable.",
      tag: "devices",
      roles: ROLES,
      body: { kind: "json", schema: virtualCardBodySchema },
      query: emptyQuerySchema,
      errors: [409, 503],
      responses: {
        200: { description: "The patient (or proxy-presented patient)", schema: virtualCardResponseSchema },
      },
      async handler(ctx, { body, principal }) {
        if (!deps.virtualCards) {
          throw new ApiProblem(503, "virtual-card-unavailable", {
            zh: "此伺服器未設定虛擬健保卡驗證",
            en: "Virtual card verification is not configured on this server",
          });
        }
        const result = await deps.virtualCards.verify(body.token);
        if (!result.valid) throw new ApiProblem(409, `virtual-card-${result.reason}`, result.message);
        const identity: CardIdentity = {
          source: "virtual-card",
          nationalId: result.nationalId,
          ...(result.name ? { name: result.name } : {}),
          ...(result.birthDate ? { birthDate: result.birthDate as RocDate } : {}),
          proxy: result.proxy,
        };
        ctx.body = { identity, evidenceId: deps.evidence.issue(identity, principal.terminalId ?? "") };
      },
    }),
  ];
}
