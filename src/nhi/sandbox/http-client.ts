/**
 * The HTTP side of a standalone sandbox (`rxdesk sandbox --port N`): `createHttpNhiCentral` is the central Web-API
 * adapter (every JSON answer checked against src/nhi/answers.ts), and `createHttpNhiClient` joins it with the
 * control software installed locally (local-control-software.ts), which keeps issuing API 1.54 visit IDs when the
 * sandbox cannot be reached. Unreachable hosts, dropped connections, timeouts, 5xx answers and wrong-shaped
 * answers become NhiUnavailableError; 4xx answers are request errors.
 */
import type { Message } from "../../domain/message.js";
import { answers } from "../answers.js";
import { joinNhi, type NhiCaller, type NhiCentral, type NhiClient, NhiUnavailableError } from "../client.js";
import { INSTITUTION_HEADER } from "./http-input.js";
import { createLocalControlSoftware } from "./local-control-software.js";

export interface HttpNhiClientOptions {
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Where the local control software keeps its installation (key and institution indexes); omitted = memory. */
  controlSoftwareFile?: string;
  /** Install the control software for this institution right away when the sandbox answers. */
  institutionCode?: string;
  /** Clock of the local control software (M11 of card passes and offline visit IDs). */
  now?: () => Date;
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

export interface SandboxHttp {
  request(method: string, path: string, caller?: NhiCaller, body?: Uint8Array | object): Promise<Response>;
  json(response: Response): Promise<unknown>;
}

export function sandboxHttp(baseUrl: string, timeoutMs = 10_000): SandboxHttp {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    async request(method, path, caller, body) {
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
    },
    async json(response) {
      try {
        return await response.json();
      } catch (error) {
        throw new NhiUnavailableError("NHI unavailable or garbled: the answer was cut off or not JSON", {
          cause: error,
        });
      }
    },
  };
}

export function createHttpNhiCentral(baseUrl: string, options: { timeoutMs?: number } = {}): NhiCentral {
  const http = sandboxHttp(baseUrl, options.timeoutMs);
  return {
    async upload(caller, document) {
      return answers.upload(await http.json(await http.request("POST", "/v1/uploads", caller, document)));
    },
    async fetchCheckReport(caller, uploadId) {
      const response = await http.request("GET", `/v1/uploads/${encodeURIComponent(uploadId)}/report`, caller);
      if (response.status === 204) return null;
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw new NhiUnavailableError("NHI sandbox report transfer was cut off", { cause: error });
      }
    },
    async prescriptionStatus(caller, originalVisitId) {
      const path = `/v1/prescriptions/${encodeURIComponent(originalVisitId)}`;
      return answers.prescriptionStatus(await http.json(await http.request("GET", path, caller)));
    },
    async verifyVirtualCard(caller, token) {
      const response = await http.request("POST", "/v1/virtual-cards/verify", caller, { token });
      return answers.verifyVirtualCard(await http.json(response));
    },
    async ping() {
      try {
        const response = await http.request("GET", "/v1/ping", undefined);
        await response.arrayBuffer();
        return true;
      } catch (error) {
        if (error instanceof NhiUnavailableError) return false;
        throw error;
      }
    },
  };
}

/** Central over HTTP plus the control software installed on this machine. */
export function createHttpNhiClient(baseUrl: string, options: HttpNhiClientOptions = {}): NhiClient {
  const central = createHttpNhiCentral(baseUrl, options);
  const cardSoftware = createLocalControlSoftware({
    http: sandboxHttp(baseUrl, options.timeoutMs),
    central,
    ...(options.controlSoftwareFile !== undefined ? { file: options.controlSoftwareFile } : {}),
    ...(options.institutionCode !== undefined ? { institutionCode: options.institutionCode } : {}),
    now: options.now ?? (() => new Date()),
  });
  return joinNhi(central, cardSoftware);
}
