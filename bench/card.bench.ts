/**
 * NHI card read through the real PC/SC stack (pcscd + vpcd + our virtual card), on the shipped build (dist/):
 * `readCard` as the counter runs it (reader status, connect, SELECT, READ PROFILE, decode, disconnect), next to the
 * same APDU sequence sent the bare way — the `pcsclite` package's own API in a plain Node process of its own:
 * connect (shared, T=0|T=1), SELECT, READ PROFILE, disconnect (leave card) on the same reader and virtual card.
 * The two alternate in blocks so that machine-load drift hits both alike. Goal (issue 18): card read ≤ 1.5× the
 * same APDUs sent bare (medians).
 *
 * vpcd sends each command as two writes with Nagle on, so every command can reach the card ~40 ms late (delayed ACK
 * on loopback); both sides pay it for the same commands. The virtual card measures those stalls, so the medians net
 * of the stall are printed too (for information: the goal is on the raw times).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensurePcscd, lockReader } from "../test/support/pcscd.js";
import { goal, percentile, report, shipped, shippedFrom, sized } from "./lib.js";

const { READ_PROFILE, SELECT_NHI_APPLICATION } =
  await shipped<typeof import("../src/card/apdu.js")>("src/card/apdu.ts");
const { PcscClient } = await shipped<typeof import("../src/card/pcsc.js")>("src/card/pcsc.ts");
const { readCard } = await shipped<typeof import("../src/card/read.js")>("src/card/read.ts");
const { loadCardFixtures } = await shipped<typeof import("../src/card/virtual-card/fixture.js")>(
  "src/card/virtual-card/fixture.ts",
);
const { VirtualNhiCard } = await shipped<typeof import("../src/card/virtual-card/virtual-card.js")>(
  "src/card/virtual-card/virtual-card.ts",
);

const PORT = 35963;
const READER = "Virtual PCD 00 00";
const BLOCKS = sized(6, 2);
const PER_BLOCK = sized(25, 5);
const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The bare way, in its own process (one PC/SC context per process, as ours has): on "N" it reads the card N times
 * and answers the milliseconds of each read as JSON.
 */
const BARE = `
const pcsc = require("pcsclite")();
const SELECT = Buffer.from(${JSON.stringify(Array.from(SELECT_NHI_APPLICATION))});
const READ = Buffer.from(${JSON.stringify(Array.from(READ_PROFILE))});
const cb = (f) => new Promise((ok, no) => f((err, v) => (err ? no(err) : ok(v))));
pcsc.on("reader", (reader) => {
  if (reader.name !== ${JSON.stringify(READER)}) return;
  const once = async () => {
    const protocol = await cb((k) => reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, k));
    const selected = await cb((k) => reader.transmit(SELECT, 258, protocol, k));
    const profile = await cb((k) => reader.transmit(READ, 258, protocol, k));
    await cb((k) => reader.disconnect(reader.SCARD_LEAVE_CARD, k));
    if (selected.readUInt16BE(selected.length - 2) !== 0x9000 || profile.length !== 59) throw new Error("bad answer");
  };
  process.stdout.write("ready\\n");
  require("node:readline").createInterface({ input: process.stdin }).on("line", async (line) => {
    const ms = [];
    for (let i = 0; i < Number(line); i++) {
      const t = performance.now();
      await once();
      ms.push(performance.now() - t);
    }
    process.stdout.write(JSON.stringify(ms) + "\\n");
  });
});
pcsc.on("error", (e) => { console.error(e.message); process.exit(1); });
`;

function bareReader() {
  const child = spawn(process.execPath, ["-e", BARE], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the bare pcsclite process ended");
    return value as string;
  };
  return {
    ready: next(),
    async reads(n: number): Promise<number[]> {
      child.stdin!.write(`${n}\n`);
      return JSON.parse(await next()) as number[];
    },
    stop: () => child.kill(),
  };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => percentile(sorted(xs), 50);

async function main(): Promise<void> {
  await ensurePcscd();
  const release = await lockReader(READER);
  const fixture = loadCardFixtures().get("citizen-wang")!;
  const card = VirtualNhiCard.fromFixture(fixture, { port: PORT });
  await card.insert();
  const client = PcscClient.open();
  const bare = bareReader();
  try {
    if (!(await client.waitForStatus(READER, (s) => s.present, 10_000))) throw new Error("virtual card not seen");
    await bare.ready;
    const ours: number[] = [];
    const base: number[] = [];
    const oursStall: number[] = [];
    const baseStall: number[] = [];
    // Warm-up, unmeasured.
    for (let i = 0; i < 3; i++) await readCard({ reader: READER, client });
    await bare.reads(3);
    for (let block = 0; block < BLOCKS; block++) {
      for (let i = 0; i < PER_BLOCK; i++) {
        card.resetStats();
        const start = performance.now();
        await readCard({ reader: READER, client });
        ours.push(performance.now() - start);
        const s = card.stats();
        oursStall.push(s.apduStallMs + s.controlStallMs);
      }
      card.resetStats();
      const times = await bare.reads(PER_BLOCK);
      base.push(...times);
      const s = card.stats();
      baseStall.push((s.apduStallMs + s.controlStallMs) / PER_BLOCK);
    }
    process.stdout.write(
      `measuring ${shippedFrom()}; ${ours.length} reads each, alternating in blocks of ${PER_BLOCK}; vpcd stall median ${median(
        oursStall,
      ).toFixed(1)} ms per read (ours), ${median(baseStall).toFixed(1)} ms (bare, per read in a block)\n`,
    );
    report("card read vs the same APDUs sent bare (median)", median(ours), median(base), "ms");
    report(
      "card read vs the same APDUs sent bare (p99)",
      percentile(sorted(ours), 99),
      percentile(sorted(base), 99),
      "ms",
    );
    // The bare process reports per read but the card's stall per block, so the net figures are means.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    report(
      "card read vs bare, net of the vpcd stall (mean)",
      mean(ours) - mean(oursStall),
      mean(base) - mean(baseStall),
      "ms",
    );
    goal("card read / the same APDUs sent bare, medians", median(ours) / median(base), "×", "≤", 1.5);
  } finally {
    bare.stop();
    await client.close();
    await card.remove();
    release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
