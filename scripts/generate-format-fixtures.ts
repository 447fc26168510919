/**
 * Writes fixtures/xml/* and fixtures/check-reports/* (run: `npx tsx scripts/generate-format-fixtures.ts`).
 * Valid documents come from the real builder; broken ones are derived from them by small, named edits.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";
import { abnormalRecord, chronicRefillRecord, pharmacyAfRecord } from "../fixtures/xml/records.js";
import { formatCheckReport } from "../src/nhi/check-report/format.js";
import { buildUploadXml, buildUploadXmlText } from "../src/nhi/format/xml.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const xmlDir = join(root, "fixtures", "xml");
const reportDir = join(root, "fixtures", "check-reports");
mkdirSync(xmlDir, { recursive: true });
mkdirSync(reportDir, { recursive: true });

const big5 = (text: string) => iconv.encode(text, "cp950");
const write = (dir: string, name: string, data: string | Uint8Array) => {
  writeFileSync(join(dir, name), data);
  process.stdout.write(`wrote ${join(dir, name).slice(root.length + 1)}\n`);
};

// Valid documents and their record JSON (for `rxdesk xml build`).
write(xmlDir, "pharmacy-af.record.json", `${JSON.stringify(pharmacyAfRecord(), null, 2)}\n`);
write(xmlDir, "chronic-refill.record.json", `${JSON.stringify(chronicRefillRecord(), null, 2)}\n`);
write(xmlDir, "pharmacy-af.xml", buildUploadXml([pharmacyAfRecord()]));
write(xmlDir, "chronic-refill.xml", buildUploadXml([chronicRefillRecord()]));
write(xmlDir, "abnormal-a000.xml", buildUploadXml([abnormalRecord()]));
write(xmlDir, "three-records.xml", buildUploadXml([pharmacyAfRecord(), chronicRefillRecord(), abnormalRecord()]));

// A pharmacy record with Chinese text in a remark (Big5 bytes on disk).
const withRemark = pharmacyAfRecord();
withRemark.mb2[0]!.D15 = "飯後服用，藥局調劑";
write(xmlDir, "pharmacy-af-remark.xml", buildUploadXml([withRemark]));

// Broken structure.
const two = buildUploadXmlText([pharmacyAfRecord(), chronicRefillRecord()]);
write(xmlDir, "broken-missing-rec-close.xml", big5(two.replace("</REC>", "")));
write(xmlDir, "broken-missing-recs-close.xml", big5(two.replace("</RECS>", "")));
write(xmlDir, "broken-two-recs.xml", big5(`${two}${two.replace(/^<\?xml[^>]*>\r\n/, "")}`));
write(xmlDir, "broken-mismatched-tag.xml", big5(two.replace("<M03>A123456789</M03>", "<M03>A123456789</M30>")));
write(xmlDir, "broken-not-xml.xml", big5("this is not an upload document\r\n"));
{
  // Bytes that are not Big5 inside D15 of record 1 (0xFF is never a Big5 lead byte).
  const text = buildUploadXmlText([withRemark]);
  const [before, after] = text.split("飯後服用，藥局調劑") as [string, string];
  const bytes = Buffer.concat([big5(before), Buffer.from([0xff, 0xfe, 0x41]), big5(after)]);
  write(xmlDir, "broken-non-big5-bytes.xml", bytes);
}
{
  // Well-formed but invalid records: AD14 (M13 filled on AF/A), Y012 (no MB2), AA (M15 missing), AB, AC.
  const ad14 = pharmacyAfRecord();
  ad14.mb1.M13 = "0003";
  const y012 = pharmacyAfRecord();
  y012.mb2 = [];
  const aa = pharmacyAfRecord();
  delete aa.mb1.M15;
  const abac = pharmacyAfRecord();
  abac.mb1.M11 = "1131332100512";
  abac.mb1.M17 = "11011100";
  write(xmlDir, "invalid-fields.xml", buildUploadXml([pharmacyAfRecord(), ad14, y012, aa, abac]));
}

// Check-result reports. The seed sample (seed 000 §如何得知是否上傳成功?-2), as printed there, UTF-8.
const SEED_SAMPLE: [string, string][] = [
  ["H00", "1"],
  ["M01", "NULL"],
  ["M04", "082"],
  ["M07", "AG"],
  ["M10", "NULL"],
  ["M13", "A000"],
  ["M16", "1BYFWZQ21QQXY3B54X0L"],
  ["M19", "1130320133912"],
  ["M22", "NULL"],
  ["M25", "NULL"],
  ["M28", "NULL"],
  ["M31", "NULL"],
  ["M34", "NULL"],
  ["M37", "NULL"],
  ["M40", "NULL"],
  ["M43", "NULL"],
  ["M46", "NULL"],
  ["M49", "NULL"],
  ["M52", "NULL"],
  ["M55", "0"],
  ["H01", "B"],
  ["M02", "NULL"],
  ["M05", "1101110026"],
  ["M08", "NULL"],
  ["M11", "1130321073500"],
  ["M15", "NULL"],
  ["M17", "1101110026"],
  ["M20", "NULL"],
  ["M23", "2"],
  ["M26", "NULL"],
  ["M29", "NULL"],
  ["M32", "NULL"],
  ["M35", "K317"],
  ["M38", "NULL"],
  ["M41", "NULL"],
  ["M44", "0003227"],
  ["M47", "NULL"],
  ["M50", "NULL"],
  ["M53", "80"],
  ["M56", "12"],
  ["M03", ""],
  ["M06", ""],
  ["M09", "NULL"],
  ["M12", "1"],
  ["M18", "0003"],
  ["M21", "NULL"],
  ["M24", "NULL"],
  ["M27", "NULL"],
  ["M30", "NULL"],
  ["M33", "NULL"],
  ["M36", "NULL"],
  ["M39", "NULL"],
  ["M42", "NULL"],
  ["M45", "0000080"],
  ["M48", "NULL"],
  ["M51", "4"],
  ["M54", "0"],
];
const seedText = [
  "第[2]筆",
  "",
  ...SEED_SAMPLE.flatMap(([f, v]) => [v === "" ? `${f}=[ ]` : `${f}=[ ${v} ]`, ""]),
  "錯誤原因:M15:AA;",
  "",
].join("\n");
write(reportDir, "seed-sample.txt", seedText);

// Several records, several errors each, an MB2 index, an unknown code; Big5 with CRLF.
const dup = chronicRefillRecord();
const remark = pharmacyAfRecord();
remark.mb2[0]!.D15 = "飯後服用";
const multi = formatCheckReport([
  {
    recordNo: 1,
    record: pharmacyAfRecord(),
    errors: [
      { field: "M16", code: "D051" },
      { field: "M33", code: "D024" },
    ],
  },
  { recordNo: 3, record: dup, errors: [{ field: "M16", code: "D025" }] },
  {
    recordNo: 7,
    record: remark,
    errors: [
      { field: "D05[1]", code: "AF" },
      { field: "M15", code: "Z999" },
    ],
  },
]);
write(reportDir, "multi-record-big5-crlf.txt", big5(`健保卡就醫資料上傳檢核結果\r\n${multi}`));
