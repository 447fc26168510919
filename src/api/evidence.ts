/**
 * Identity evidence the API itself produced: a card read by the reader of the key's terminal, or a virtual-card QR
 * NHI verified. Each answer carries an `evidenceId`; checks and dispensings name the patient by that id (or by an
 * ID typed from the paper with a reason), never by an identity the client asserts.
 */
import { randomBytes } from "node:crypto";
import type { CardIdentity } from "../service/types.js";

/** How long a read card or verified virtual card stands for the patient at the counter. */
export const EVIDENCE_TTL_MS = 15 * 60_000;
export const MAX_EVIDENCE_ENTRIES = 10_000;

interface Entry {
  identity: CardIdentity;
  terminalId: string;
  expiresAt: number;
}

export class EvidenceStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Records what this server read or verified for a terminal; returns the id clients name it by. */
  issue(identity: CardIdentity, terminalId: string): string {
    const now = this.#now().getTime();
    // Entries are kept in the order issued, which is the order they expire in: drop from the front what has expired
    // or is over the limit, and stop at the first that stays (no walk over every entry on each card read). Should
    // the clock step back, an expired entry further on waits for its turn; resolve() refuses it meanwhile.
    for (const [id, e] of this.#entries) {
      if (e.expiresAt > now && this.#entries.size < MAX_EVIDENCE_ENTRIES) break;
      this.#entries.delete(id);
    }
    const id = `ev_${randomBytes(16).toString("hex")}`;
    this.#entries.set(id, { identity, terminalId, expiresAt: now + EVIDENCE_TTL_MS });
    return id;
  }

  /** How many are held (expired ones included until the next issue drops them). */
  get size(): number {
    return this.#entries.size;
  }

  /** The identity behind an id, for the terminal it was produced at; undefined when unknown, expired or elsewhere. */
  resolve(id: string, terminalId: string): CardIdentity | undefined {
    const e = this.#entries.get(id);
    if (!e || e.expiresAt <= this.#now().getTime() || e.terminalId !== terminalId) return undefined;
    return e.identity;
  }
}
