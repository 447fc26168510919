/**
 * Reading an NHI card: SELECT the NHI application, READ PROFILE, decode. `readNhiProfile` works on any APDU
 * transport (unit-tested with a fake one); `readCard` does the whole thing through pcscd.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { CardIdentity } from "../domain/identity.js";
import {
  type ApduResponse,
  checkProfileResponse,
  checkSelectResponse,
  getResponse,
  parseResponse,
  READ_PROFILE,
  SELECT_NHI_APPLICATION,
  toHex,
  withLe,
} from "./apdu.js";
import { CardError, cardErrors } from "./errors.js";
import { PcscClient } from "./pcsc.js";
import { decodeProfile, type NhiCardProfile, profileToIdentity } from "./profile.js";
import type { ReaderStatus } from "./reader-status.js";

export interface ApduTransport {
  readonly reader?: string;
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/** Sends a command and follows T=0 conventions: 61xx → GET RESPONSE, 6Cxx → resend with the right Le. */
export async function exchange(transport: ApduTransport, command: Uint8Array): Promise<ApduResponse> {
  let response = parseResponse(await transport.transmit(command), transport.reader);
  if (response.sw >> 8 === 0x6c && command.length > 4) {
    response = parseResponse(await transport.transmit(withLe(command, response.sw & 0xff)), transport.reader);
  }
  const chunks: Uint8Array[] = [response.data];
  let guard = 0;
  while (response.sw >> 8 === 0x61 && guard++ < 16) {
    response = parseResponse(await transport.transmit(getResponse(response.sw & 0xff)), transport.reader);
    chunks.push(response.data);
  }
  if (chunks.length === 1) return response;
  return { data: Uint8Array.from(Buffer.concat(chunks)), sw: response.sw };
}

export interface ProfileRead {
  profile: NhiCardProfile;
  /** The 57 profile bytes, hex (for support cases; holds personal data). */
  raw: string;
}

/** SELECT + READ PROFILE + decode, on an open transport. */
export async function readNhiProfile(transport: ApduTransport): Promise<ProfileRead> {
  checkSelectResponse(await exchange(transport, SELECT_NHI_APPLICATION), transport.reader);
  const bytes = checkProfileResponse(await exchange(transport, READ_PROFILE), transport.reader);
  return { profile: decodeProfile(bytes, transport.reader), raw: toHex(bytes) };
}

export interface CardReadResult {
  reader: string;
  atr?: string;
  profile: NhiCardProfile;
  identity: CardIdentity;
  /** Milliseconds: connect, SELECT + READ PROFILE, total (for diagnostics and the benchmark). */
  timings: { connectMs: number; apduMs: number; totalMs: number };
}

export interface ReadCardOptions {
  /** Reader name; default: the one reader holding a card. */
  reader?: string;
  /** An open context to reuse (the watcher's); otherwise one is opened and closed. */
  client?: PcscClient;
  /** Per-command timeout; a card silent that long is "mute". */
  commandTimeoutMs?: number;
  /** How long to wait for a card to be inserted (0: it must already be there). */
  waitForCardMs?: number;
}

/** Picks the reader to read: the named one, or the only/first one holding a card. */
export async function chooseReader(client: PcscClient, wanted?: string, waitForCardMs = 0): Promise<ReaderStatus> {
  const readers = await client.waitForReaderList();
  if (readers.length === 0) throw cardErrors.noReader();
  if (wanted !== undefined) {
    if (!readers.includes(wanted)) throw cardErrors.readerNotFound(wanted, readers);
    const status = await client.status(wanted);
    if (status.present || waitForCardMs <= 0) return status;
    return (await client.waitForStatus(wanted, (s) => s.present, waitForCardMs)) ?? status;
  }
  if (waitForCardMs > 0) {
    const statuses = await Promise.all(readers.map((r) => client.status(r)));
    if (!statuses.some((s) => s.present)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          client.off("status", onStatus);
          resolve();
        };
        const onStatus = (s: ReaderStatus) => {
          if (s.present) done();
        };
        const timer = setTimeout(done, waitForCardMs);
        client.on("status", onStatus);
      });
    }
  }
  const statuses = await Promise.all(readers.map((r) => client.status(r)));
  const ready = statuses.find((s) => s.present && !s.mute);
  if (ready) return ready;
  const mute = statuses.find((s) => s.mute);
  if (mute) return mute;
  throw cardErrors.noCard(readers.length === 1 ? readers[0] : undefined);
}

/** Reads the NHI card in a reader through pcscd, exactly as the counter does. */
export async function readCard(options: ReadCardOptions = {}): Promise<CardReadResult> {
  const client = options.client ?? PcscClient.open();
  try {
    const status = await chooseReader(client, options.reader, options.waitForCardMs);
    return await readCardIn(client, status, options.commandTimeoutMs);
  } finally {
    if (!options.client) await client.close();
  }
}

/** Reads the card in an already-chosen reader. */
export async function readCardIn(
  client: PcscClient,
  status: ReaderStatus,
  commandTimeoutMs = 5000,
): Promise<CardReadResult> {
  try {
    return await readOnce(client, status, commandTimeoutMs);
  } catch (error) {
    if (!(error instanceof CardError)) throw error;
    // A card pulled while it answered leaves a cut-off answer: say it was removed, not that the card is broken.
    // A card swapped faster than the reader polls (pcscd still reports the old one) fails its first command with
    // "transaction failed": give the reader a moment to notice the new card and try once more.
    if (error.code !== "transmit-failed" && error.code !== "short-response") throw error;
    await sleep(RETRY_AFTER_MS);
    const fresh = await client.status(status.reader);
    if (!fresh.present) throw cardErrors.cardRemoved(status.reader, error.detail);
    if (error.code === "short-response") throw error;
    return readOnce(client, fresh, commandTimeoutMs);
  }
}

const RETRY_AFTER_MS = 500;

async function readOnce(client: PcscClient, status: ReaderStatus, commandTimeoutMs: number): Promise<CardReadResult> {
  const reader = status.reader;
  if (status.mute) throw cardErrors.cardMute(reader, "reader reports the card as mute (no answer to reset)");
  if (!status.present) throw cardErrors.noCard(reader);
  const start = performance.now();
  const connection = await client.connect(reader, { timeoutMs: commandTimeoutMs });
  const connected = performance.now();
  let failed = false;
  try {
    const { profile } = await readNhiProfile({
      reader,
      transmit: (apdu) => connection.transmit(apdu, { timeoutMs: commandTimeoutMs }),
    });
    const done = performance.now();
    return {
      reader,
      atr: status.atr,
      profile,
      identity: profileToIdentity(profile),
      timings: { connectMs: connected - start, apduMs: done - connected, totalMs: done - start },
    };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await connection.disconnect(failed ? "reset" : "leave");
  }
}
