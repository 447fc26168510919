/**
 * NhiClient over HTTP, talking to a standalone sandbox (`rxdesk sandbox --port N`). Unreachable hosts, dropped
 * connections, timeouts and 5xx answers become NhiUnavailableError; 4xx answers are request errors.
 */
import type { Message } from "../../domain/message.js";
import {
  type CardPass,
  type NhiCaller,
  type NhiClient,
  NhiUnavailableError,
  type OfflineVisitId,
  type PrescriptionStatusResult,
  type UploadReceipt,
  type VirtualCardResult,
} from "../client.js";
import { INSTITUTION_HEADER } from "./app.js";

export interface HttpNhiClientOptions {
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
}

/** The sandbox refused the request (4xx): bad input, not an outage. */
export class NhiRequestError extends Error {
  override readonly name = "NhiRequestError";
  constructor(
    readonly status: number,
    readonly detail: Message | undefined,
  ) {
    super(detail?.en ?? `NHI sandbox answered HTTP ${status}`);
  }
}

export function createHttpNhiClient(baseUrl: string, options: HttpNhiClientOptions = {}): NhiClient {
  const base = baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function request(
    method: string,
    path: string,
    caller: NhiCaller | undefined,
    body?: Uint8Array | object,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (caller) headers[INSTITUTION_HEADER] = caller.institutionCode;
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) {
      headers["content-type"] = "application/xml; charset=big5";
      payload = body;
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: payload ?? null,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : "unreachable";
      throw new NhiUnavailableError(`NHI sandbox ${reason}: ${method} ${path}`, { cause: error });
    }
    if (response.status >= 500) {
      await response.arrayBuffer().catch(() => undefined);
      throw new NhiUnavailableError(`NHI sandbox answered HTTP ${response.status}: ${method} ${path}`);
    }
    if (response.status >= 400) {
      const detail = (await response.json().catch(() => undefined)) as { error?: Message } | undefined;
      throw new NhiRequestError(response.status, detail?.error);
    }
    return response;
  }

  async function json<T>(response: Response): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw new NhiUnavailableError("NHI sandbox answer was cut off or not JSON", { cause: error });
    }
  }

  return {
    async upload(caller, document): Promise<UploadReceipt> {
      return json(await request("POST", "/v1/uploads", caller, document));
    },
    async fetchCheckReport(caller, uploadId) {
      const response = await request("GET", `/v1/uploads/${encodeURIComponent(uploadId)}/report`, caller);
      if (response.status === 204) return null;
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw new NhiUnavailableError("NHI sandbox report transfer was cut off", { cause: error });
      }
    },
    async prescriptionStatus(caller, originalVisitId): Promise<PrescriptionStatusResult> {
      return json(await request("GET", `/v1/prescriptions/${encodeURIComponent(originalVisitId)}`, caller));
    },
    async passCard(caller, req): Promise<CardPass> {
      const body = { ...req, ...(req.at ? { at: req.at.toISOString() } : {}) };
      return json(await request("POST", "/v1/card-passes", caller, body));
    },
    async offlineVisitId(caller, nationalId, at): Promise<OfflineVisitId> {
      const body = { nationalId, ...(at ? { at: at.toISOString() } : {}) };
      return json(await request("POST", "/v1/offline-visit-ids", caller, body));
    },
    async verifyVirtualCard(caller, token): Promise<VirtualCardResult> {
      return json(await request("POST", "/v1/virtual-cards/verify", caller, { token }));
    },
    async ping() {
      try {
        const response = await request("GET", "/v1/ping", undefined);
        await response.arrayBuffer();
        return true;
      } catch (error) {
        if (error instanceof NhiUnavailableError) return false;
        throw error;
      }
    },
  };
}
