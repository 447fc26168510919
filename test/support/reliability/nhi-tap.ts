/**
 * A tap between rxdesk and the NHI sandbox: an HTTP proxy that forwards every call and lets a test act at two
 * moments of each one — when the request has arrived (before NHI sees it) and when NHI has answered (before the
 * answer goes back). The reliability tests kill the counter process, or spoil the answer, at those moments. It also
 * counts, per visit ID
 * (M15), the uploads that reached NHI, from the Big5 XML it forwarded.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import iconv from "iconv-lite";

export type NhiCall = "upload" | "report" | "status" | "other";
export type TapMoment = "arrived" | "answered";
/**
 * `hold`: never answer (the connection stays open until the tap closes); `cut`: answer with the first half of
 * NHI's body (a complete HTTP answer, truncated content); `drop`: send the headers and half the body, then drop the
 * connection.
 */
export type TapAction = "pass" | "hold" | "cut" | "drop";

export interface NhiTap {
  url: string;
  /** M15 → in how many uploads NHI took (2xx) the record reached it. */
  arrivals: Map<string, number>;
  /** Upload IDs NHI answered with. */
  uploadIds: string[];
  on(handler: (call: NhiCall, moment: TapMoment) => TapAction | Promise<TapAction>): void;
  close(): Promise<void>;
}

function callOf(method: string, path: string): NhiCall {
  if (method === "POST" && path === "/v1/uploads") return "upload";
  if (/^\/v1\/uploads\/[^/]+\/report$/.test(path)) return "report";
  if (path.startsWith("/v1/prescriptions/")) return "status";
  return "other";
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function startNhiTap(target: string): Promise<NhiTap> {
  let handler: (call: NhiCall, moment: TapMoment) => TapAction | Promise<TapAction> = () => "pass";
  const arrivals = new Map<string, number>();
  const uploadIds: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const call = callOf(req.method ?? "GET", path);
    const body = await bodyOf(req);
    if ((await handler(call, "arrived")) === "hold") return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) headers[name] = value;
    }
    let answer: Response;
    let bytes: Buffer;
    try {
      answer = await fetch(`${target}${req.url}`, {
        method: req.method ?? "GET",
        headers,
        body: body.length > 0 ? body : null,
      });
      bytes = Buffer.from(await answer.arrayBuffer());
    } catch {
      // NHI dropped the connection (a sandbox fault): so does the tap.
      res.destroy();
      return;
    }
    if (call === "upload" && answer.ok) {
      const { uploadId } = JSON.parse(bytes.toString("utf8")) as { uploadId: string };
      uploadIds.push(uploadId);
      for (const m of iconv.decode(body, "cp950").matchAll(/<M15>([0-9A-Z]+)<\/M15>/g)) {
        arrivals.set(m[1]!, (arrivals.get(m[1]!) ?? 0) + 1);
      }
    }
    const action = await handler(call, "answered");
    if (action === "hold") return;
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    const type = answer.headers.get("content-type") ?? "application/octet-stream";
    if (action === "drop") {
      res.writeHead(answer.status, { "content-type": type, "content-length": String(bytes.length) });
      res.write(half, () => res.destroy());
      return;
    }
    const sent = action === "cut" ? half : bytes;
    res.writeHead(answer.status, { "content-type": type, "content-length": String(sent.length) });
    res.end(sent);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    uploadIds,
    on(next) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
