/**
 * Card reading for the API through pcscd (src/card): each terminal maps to a reader name; a terminal without a
 * mapping uses the only reader holding a card (single-PC pharmacies).
 */
import { readCard } from "../card/read.js";
import type { CardReader } from "./deps.js";

/** `counter-1=ACS ACR39U 00 00` → { "counter-1": "ACS ACR39U 00 00" } */
export function parseReaderMap(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf("=");
    if (at <= 0 || at === entry.length - 1) throw new Error(`expected terminal=reader, got "${entry}"`);
    map[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  return map;
}

export function createPcscCardReader(readers: Record<string, string> = {}): CardReader {
  return {
    async read(terminalId, { timeoutMs }) {
      const reader = readers[terminalId];
      const result = await readCard({ ...(reader ? { reader } : {}), waitForCardMs: timeoutMs });
      return { reader: result.reader, identity: result.identity };
    },
  };
}
