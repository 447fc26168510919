/**
 * Upload format 2.0 and NHI check reports, measured on the shipped build (dist/), each next to a baseline doing the
 * same work the bare way in the same run. Wall time only (median of the runs, and the slowest run).
 *   1. build + Big5-encode + validate 10,000 records (goal ≤ 0.5 s); baseline: fast-xml-parser's XMLBuilder on the
 *      same records + iconv-lite cp950 encode (the bare way to make the same bytes, without the field checks).
 *   2. parse + validate the 10,000-record document; baseline: iconv decode + fast-xml-parser XMLParser of it.
 *   3. parse a 10,000-record check-result report (goal ≤ 0.2 s); the floor is the same report's iconv-lite cp950
 *      decode + split into lines, which any parser of it has to do. Once as built (values repeat between records, as
 *      in a pharmacy's rejects) and once with every record's codes, IDs and dates made distinct.
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import iconv from "iconv-lite";
import { chronicRefillRecord, pharmacyAfRecord } from "../fixtures/xml/records.js";
import type { UploadRecord } from "../src/nhi/format/record.js";
import { goal, report, shipped, shippedFrom, sized, type Timing, time } from "./lib.js";

const { formatCheckReport } = await shipped<typeof import("../src/nhi/check-report/format.js")>(
  "src/nhi/check-report/format.ts",
);
const { parseCheckReport } = await shipped<typeof import("../src/nhi/check-report/parse.js")>(
  "src/nhi/check-report/parse.ts",
);
const { validateDocument, validateRecord } =
  await shipped<typeof import("../src/nhi/format/validate.js")>("src/nhi/format/validate.ts");
const { buildUploadXml } = await shipped<typeof import("../src/nhi/format/xml.js")>("src/nhi/format/xml.ts");

const N = 10_000;
const RUNS = sized(20, 3);
const WARMUP = sized(3, 1);
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
function visitId(i: number): string {
  let s = "";
  let n = i * 7919 + 12345;
  for (let k = 0; k < 20; k++) {
    s += ALPHABET[n % 34];
    n = Math.floor(n / 34) + k * 31;
  }
  return s;
}

const records: UploadRecord[] = Array.from({ length: N }, (_, i) => {
  const r = i % 2 === 0 ? pharmacyAfRecord() : chronicRefillRecord();
  r.mb1.M15 = visitId(i);
  r.mb2[0]!.D15 = i % 3 === 0 ? "飯後服用" : "";
  return r;
});

/** Median and slowest wall time of RUNS runs after WARMUP unmeasured ones. */
const wall = (fn: () => unknown): Promise<Timing & { maxMs: number }> =>
  time(fn, RUNS, WARMUP).then((t) => ({ ...t, maxMs: t.p99Ms }));

process.stdout.write(`measuring ${shippedFrom()}; ${RUNS} runs each, wall time\n`);

// Same data as fast-xml-parser's builder sees it.
const asTree = {
  RECS: {
    REC: records.map((r) => ({
      MSH: { H00: r.h00, H01: r.h01 },
      MB: { MB1: r.mb1, MB2: r.mb2 },
    })),
  },
};
const builder = new XMLBuilder({ ignoreAttributes: true });
const rawParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

const build = await wall(() => {
  for (let i = 0; i < records.length; i++) {
    if (validateRecord(records[i]!, i + 1).length > 0) throw new Error(`record ${i + 1} invalid`);
  }
  return buildUploadXml(records);
});
const buildBase = await wall(() => iconv.encode(builder.build(asTree) as string, "cp950"));
report("build+encode+validate 10k records (median wall)", build.medianMs, buildBase.medianMs, "ms");
goal("build + encode + validate 10,000 records, median wall time", build.medianMs, "ms", "≤", 500);
process.stdout.write(`  slowest of ${RUNS} runs: ${build.maxMs.toFixed(0)} ms\n`);

const bytes = buildUploadXml(records);
const parse = await wall(() => {
  const { findings } = validateDocument(bytes);
  if (findings.length > 0) throw new Error("unexpected findings");
});
const parseBase = await wall(() => rawParser.parse(iconv.decode(Buffer.from(bytes), "cp950")));
report("parse+validate 10k-record document (median wall)", parse.medianMs, parseBase.medianMs, "ms");

/** The same-work floor of parsing a report: decode it from Big5 and split it into lines. */
const decodeAndSplit = (b: Uint8Array) => () => {
  if (iconv.decode(Buffer.from(b), "cp950").split(/\r?\n/).length < N) throw new Error("short report");
};

async function checkReport(label: string, reportBytes: Uint8Array): Promise<void> {
  const parsed = await wall(() => {
    if (parseCheckReport(reportBytes).length !== N) throw new Error("lost records");
  });
  const floor = await wall(decodeAndSplit(reportBytes));
  report(`parse 10k-record check report${label} vs iconv decode + line split`, parsed.medianMs, floor.medianMs, "ms");
  goal(`parse a 10,000-record check report${label}, median wall time`, parsed.medianMs, "ms", "≤", 200);
  process.stdout.write(
    `  ${(reportBytes.length / 1024).toFixed(0)} KB; slowest of ${RUNS} runs: ${parsed.maxMs.toFixed(0)} ms\n`,
  );
}

await checkReport(
  "",
  iconv.encode(
    formatCheckReport(
      records.map((record, i) => ({
        recordNo: i + 1,
        record,
        errors: [
          { field: "M16", code: "D025" },
          { field: "D05[1]", code: "AF" },
        ],
      })),
    ),
    "cp950",
  ),
);

// The same report where every record's codes, IDs and dates differ (a real pharmacy's rejects repeat many values;
// this is the case where sharing them gains nothing).
await checkReport(
  ", values distinct per record",
  iconv.encode(
    formatCheckReport(
      records.map((record, i) => {
        const r = structuredClone(record);
        const mb1 = r.mb1 as Record<string, string | undefined>;
        for (const [k, v] of Object.entries(mb1)) {
          if (v && v.length >= 3 && /^[0-9A-Z]+$/.test(v))
            mb1[k] = `${v.slice(0, -3)}${String(i % 1000).padStart(3, "0")}`;
        }
        return { recordNo: i + 1, record: r, errors: [{ field: "M16", code: "D025" }] };
      }),
    ),
    "cp950",
  ),
);
