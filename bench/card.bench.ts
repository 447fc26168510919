/**
 * NHI card read through the real PC/SC stack (pcscd + vpcd + our virtual card): a full read (connect + SELECT +
 * READ PROFILE + decode + disconnect) next to the bare APDU round-trip of the same card on an open connection.
 *
 * vpcd sends each command as two writes with Nagle on, so every command reaches the card ~40 ms late (delayed
 * ACK on loopback); pcscd's presence polls (get-ATR every ~400 ms) suffer the same and can queue ahead of us.
 * The virtual card measures those stalls per frame, so both figures are reported raw and net of the stall.
 */
import { performance } from "node:perf_hooks";
import { READ_PROFILE, SELECT_NHI_APPLICATION } from "../src/card/apdu.js";
import { PcscClient } from "../src/card/pcsc.js";
import { readCard } from "../src/card/read.js";
import { loadCardFixtures } from "../src/card/virtual-card/fixture.js";
import { VirtualNhiCard } from "../src/card/virtual-card/virtual-card.js";
import { ensurePcscd, lockReader } from "../test/support/pcscd.js";
import { percentile, report } from "./lib.js";

const PORT = 35963;
const READER = "Virtual PCD 00 00";
const RUNS = Number(process.env.CARD_BENCH_RUNS ?? 30);

interface Sample {
  rawMs: number;
  stallMs: number;
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function measure(card: VirtualNhiCard, fn: () => Promise<unknown>, runs: number): Promise<Sample[]> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    card.resetStats();
    const start = performance.now();
    await fn();
    const rawMs = performance.now() - start;
    const s = card.stats();
    samples.push({ rawMs, stallMs: s.apduStallMs + s.controlStallMs });
  }
  return samples;
}

async function main(): Promise<void> {
  await ensurePcscd();
  const release = await lockReader(READER);
  const fixture = loadCardFixtures().get("citizen-wang")!;
  const card = VirtualNhiCard.fromFixture(fixture, { port: PORT });
  await card.insert();
  const client = PcscClient.open();
  try {
    if (!(await client.waitForStatus(READER, (s) => s.present, 10_000))) throw new Error("virtual card not seen");

    const full = await measure(card, () => readCard({ reader: READER, client }), RUNS);

    const connection = await client.connect(READER);
    await connection.transmit(SELECT_NHI_APPLICATION);
    const bare = await measure(card, () => connection.transmit(READ_PROFILE), RUNS);
    await connection.disconnect();

    const fullRaw = median(full.map((s) => s.rawMs));
    const bareRaw = median(bare.map((s) => s.rawMs));
    const fullNet = median(full.map((s) => Math.max(0, s.rawMs - s.stallMs)));
    const bareNet = median(bare.map((s) => Math.max(0, s.rawMs - s.stallMs)));
    const stallPerApdu = median(bare.map((s) => s.stallMs));

    process.stdout.write(
      `vpcd stall: median ${stallPerApdu.toFixed(1)} ms per bare APDU; full read median stall ${median(full.map((s) => s.stallMs)).toFixed(1)} ms (${RUNS} runs each)\n`,
    );
    report(
      "card full read vs bare APDU (raw)",
      fullRaw,
      bareRaw,
      "ms",
      "≤ 4x (4 pcscd round-trips: connect, SELECT, READ PROFILE, disconnect)",
    );
    report("card full read vs bare APDU (net of vpcd stall)", fullNet, bareNet, "ms", "≤ 4x");
  } finally {
    await client.close();
    await card.remove();
    release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
