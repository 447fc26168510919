/**
 * The sandbox's control software installed on the pharmacy machine, next to a standalone sandbox: installing it
 * (`POST /v1/control-software/installations`) hands over what the real installation and security module binding
 * hold, the visit-ID key and the institution's index. It is kept in a file, so API 1.54 keeps working in a later
 * process while the sandbox cannot be reached; the first card pass of a process installs again (the sandbox may
 * have been started with a new key).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod/v4";
import { checkAnswer, installationAnswer } from "../answers.js";
import { type CardControlSoftware, type NhiCentral, NhiUnavailableError } from "../client.js";
import { createControlSoftware } from "./control-software.js";
import type { SandboxHttp } from "./http-client.js";

const storedInstallation = z.object({ key: z.string().min(16), institutions: z.record(z.string(), z.number()) });
type Stored = z.infer<typeof storedInstallation>;

export interface LocalControlSoftwareOptions {
  http: SandboxHttp;
  central: NhiCentral;
  file?: string;
  institutionCode?: string;
  now: () => Date;
}

function load(file: string | undefined): Stored | undefined {
  if (!file) return undefined;
  try {
    const parsed = storedInstallation.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function save(file: string | undefined, stored: Stored): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(stored)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export function createLocalControlSoftware(options: LocalControlSoftwareOptions): CardControlSoftware {
  let stored = load(options.file);
  const fresh = new Set<string>();
  const sequences = new Map<string, number>();

  async function install(code: string): Promise<{ key: string; index: number }> {
    const response = await options.http.request("POST", "/v1/control-software/installations", undefined, {
      institutionCode: code,
    });
    const answer = checkAnswer("installControlSoftware", installationAnswer, await options.http.json(response));
    const institutions = stored?.key === answer.key ? { ...stored.institutions } : {};
    institutions[answer.institutionCode] = answer.index;
    stored = { key: answer.key, institutions };
    save(options.file, stored);
    fresh.add(code);
    return { key: answer.key, index: answer.index };
  }

  if (options.institutionCode) install(options.institutionCode).catch(() => undefined);

  return createControlSoftware({
    async installation(code, _kind) {
      const index = stored?.institutions[code];
      if (stored && index !== undefined && fresh.has(code)) return { key: stored.key, index };
      try {
        return await install(code);
      } catch (error) {
        if (!(error instanceof NhiUnavailableError)) throw error;
        if (stored && index !== undefined) return { key: stored.key, index };
        throw new NhiUnavailableError(
          `card control software is not installed for ${code} yet, and NHI cannot be reached to install it`,
          { cause: error },
        );
      }
    },
    async nextSequence(code, nationalId) {
      const key = `${code}:${nationalId}`;
      const n = (sequences.get(key) ?? 0) + 1;
      sequences.set(key, n);
      return n;
    },
    centralReachable: () => options.central.ping(),
    now: options.now,
  });
}
