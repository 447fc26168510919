/**
 * Writes fixtures/scan/* (run: `npx tsx scripts/generate-scan-fixtures.ts`): prescription-like pages carrying a
 * visit ID as printed text, Code 128 and QR, and the ways real captures go wrong (rotation, skew, perspective, blur,
 * low resolution, a covering sticker, heavy JPEG compression, two prescriptions per page, no code, 1D ≠ QR), a
 * virtual NHI card QR screenshot and a 1280×960 photo of a page on a desk. The expected outcome of every file is in
 * fixtures/scan/manifest.json, which the tests read.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import bwipjs from "bwip-js";
import QRCode from "qrcode";
import sharp from "sharp";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "fixtures", "scan");
mkdirSync(outDir, { recursive: true });

/** Visit IDs on the fixtures: the seed's sample report ID, an invented one, and the seed's "O for 0" sample. */
const IDS = {
  a: "1BYFWZQ21QQXY3B54X0L",
  b: "7K3M9PQ2RX4T8VW5YZ6H",
  seedWithO: "OUSE4FA11RP4J370WR4K",
} as const;
const VIRTUAL_CARD_TOKEN = "NHIVC1:4Q7W2K9MZ3X8RT6VB1NC5HJ0PAS2DEFG";

const PAGE_W = 1000;
const PAGE_H = 700;

interface Manifest {
  [file: string]: {
    description: string;
    /** Visit IDs a person reads off the image, one per prescription. */
    visitIds?: string[];
    virtualCardToken?: string;
    conflict?: boolean;
    /** Decoding must fail (no usable code), with this kind of message. */
    fails?: "no-code" | "not-visit-id";
    corrected?: boolean;
    /** zxing format name of the 1D barcode when it is not Code 128. */
    linearFormat?: string;
  };
}
const manifest: Manifest = {};

function grouped(id: string): string {
  return id.replace(/(.{4})(?=.)/g, "$1 ");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function code128(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: "code128", text, scale: 2, height: 12, includetext: false, paddingwidth: 6 });
}

async function code39(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: "code39", text, scale: 2, height: 12, includetext: false, paddingwidth: 6 });
}

async function qr(text: string, scale = 5): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: "M", margin: 2, scale });
}

/** The printed text of a released prescription (交付處方箋): English labels, the fonts here have no CJK glyphs. */
function pageSvg(visitIdText: string | undefined, serial: string): string {
  const lines = [
    `<text x="40" y="60" font-size="30" font-family="DejaVu Sans" font-weight="bold">Released Prescription (Chronic refill 2/3)</text>`,
    `<text x="40" y="100" font-size="18" font-family="DejaVu Sans">Clinic 3501200000   Slip ${serial}   Date 113/03/20</text>`,
    `<text x="40" y="130" font-size="18" font-family="DejaVu Sans">Patient A12345****   Birth 070/01/01   Seq 0012</text>`,
  ];
  if (visitIdText) {
    lines.push(
      `<text x="40" y="175" font-size="22" font-family="DejaVu Sans Mono">Visit ID: ${escapeXml(grouped(visitIdText))}</text>`,
    );
  }
  const drugs = [
    "1. AC12345100  Amlodipine 5 mg        1 tab QD   28 days   28",
    "2. AC23456100  Metformin 500 mg       1 tab BID  28 days   56",
    "3. AC34567100  Atorvastatin 20 mg     1 tab HS   28 days   28",
  ];
  drugs.forEach((d, i) => {
    lines.push(`<text x="40" y="${430 + i * 34}" font-size="18" font-family="DejaVu Sans Mono">${d}</text>`);
  });
  lines.push(
    `<line x1="40" y1="400" x2="960" y2="400" stroke="black" stroke-width="2"/>`,
    `<text x="40" y="650" font-size="16" font-family="DejaVu Sans">Physician: Dr. Lin   Pharmacy copy   Valid 10 days before the previous supply ends</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE_W}" height="${PAGE_H}"><rect width="100%" height="100%" fill="white"/>${lines.join("")}</svg>`;
}

interface PageCodes {
  text?: string;
  linear?: string;
  /** Symbology of the 1D barcode (HIS programs print Code 128 or Code 39). */
  symbology?: "code128" | "code39";
  qr?: string;
}

/** One prescription page, white background, grey raw pixels out as PNG. */
async function page(codes: PageCodes, serial = "0001"): Promise<Buffer> {
  const layers: sharp.OverlayOptions[] = [];
  if (codes.linear) {
    const bars = codes.symbology === "code39" ? await code39(codes.linear) : await code128(codes.linear);
    layers.push({ input: bars, left: 40, top: 205 });
  }
  if (codes.qr) layers.push({ input: await qr(codes.qr), left: 780, top: 190 });
  return sharp(Buffer.from(pageSvg(codes.text, serial)))
    .composite(layers)
    .greyscale()
    .png()
    .toBuffer();
}

async function savePng(name: string, image: Buffer | sharp.Sharp, entry: Manifest[string]): Promise<void> {
  const pipeline = Buffer.isBuffer(image) ? sharp(image) : image;
  const data = await pipeline.greyscale().png({ compressionLevel: 9, palette: true, colours: 16 }).toBuffer();
  writeFileSync(join(outDir, name), data);
  manifest[name] = entry;
  process.stdout.write(`wrote fixtures/scan/${name} (${data.length} bytes)\n`);
}

async function saveJpeg(name: string, image: Buffer | sharp.Sharp, quality: number, entry: Manifest[string]) {
  const pipeline = Buffer.isBuffer(image) ? sharp(image) : image;
  const data = await pipeline.jpeg({ quality, mozjpeg: false }).toBuffer();
  writeFileSync(join(outDir, name), data);
  manifest[name] = entry;
  process.stdout.write(`wrote fixtures/scan/${name} (${data.length} bytes)\n`);
}

/** Projective warp of a grey image (bilinear), so the page looks photographed from an angle. */
async function perspective(png: Buffer, corners: [number, number][]): Promise<Buffer> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const ch = info.channels;
  // Homography mapping destination corners to source corners (unit square intermediate).
  const src: [number, number][] = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  const squareTo = (q: [number, number][]) => {
    const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q as [
      [number, number],
      [number, number],
      [number, number],
      [number, number],
    ];
    const dx1 = x1 - x2;
    const dx2 = x3 - x2;
    const dy1 = y1 - y2;
    const dy2 = y3 - y2;
    const sx = x0 - x1 + x2 - x3;
    const sy = y0 - y1 + y2 - y3;
    const den = dx1 * dy2 - dx2 * dy1;
    const g = (sx * dy2 - dx2 * sy) / den;
    const hh = (dx1 * sy - sx * dy1) / den;
    return [x1 - x0 + g * x1, x3 - x0 + hh * x3, x0, y1 - y0 + g * y1, y3 - y0 + hh * y3, y0, g, hh, 1];
  };
  const invert = (m: number[]) => {
    const [a, b, c, d, e, f, g, hh, i] = m as [number, number, number, number, number, number, number, number, number];
    return [
      e * i - f * hh,
      c * hh - b * i,
      b * f - c * e,
      f * g - d * i,
      a * i - c * g,
      c * d - a * f,
      d * hh - e * g,
      b * g - a * hh,
      a * e - b * d,
    ];
  };
  const mul = (m: number[], n: number[]) => {
    const r: number[] = [];
    for (let row = 0; row < 3; row++)
      for (let col = 0; col < 3; col++)
        r.push(m[row * 3]! * n[col]! + m[row * 3 + 1]! * n[3 + col]! + m[row * 3 + 2]! * n[6 + col]!);
    return r;
  };
  // dest → square → source
  const m = mul(squareTo(src), invert(squareTo(corners)));
  const out = Buffer.alloc(w * h, 255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const z = m[6]! * x + m[7]! * y + m[8]!;
      const sx = (m[0]! * x + m[1]! * y + m[2]!) / z;
      const sy = (m[3]! * x + m[4]! * y + m[5]!) / z;
      if (sx < 0 || sy < 0 || sx >= w - 1 || sy >= h - 1) continue;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const p = (xx: number, yy: number) => data[(yy * w + xx) * ch]!;
      const v =
        p(x0, y0) * (1 - fx) * (1 - fy) +
        p(x0 + 1, y0) * fx * (1 - fy) +
        p(x0, y0 + 1) * (1 - fx) * fy +
        p(x0 + 1, y0 + 1) * fx * fy;
      out[y * w + x] = Math.round(v);
    }
  }
  return sharp(out, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}

const clean = await page({ text: IDS.a, linear: IDS.a, qr: IDS.a });
const one = { visitIds: [IDS.a] };

await savePng("clean.png", clean, { description: "Clean laser print, text + Code 128 + QR", ...one });
await savePng("code39.png", await page({ text: IDS.b, linear: IDS.b, symbology: "code39", qr: IDS.b }), {
  description: "Printed with a Code 39 barcode instead of Code 128",
  visitIds: [IDS.b],
  linearFormat: "Code39",
});
await savePng("rotated-90.png", sharp(clean).rotate(90), { description: "Scanned sideways (90°)", ...one });
await savePng("rotated-7.png", sharp(clean).rotate(7, { background: "#ffffff" }), {
  description: "Page fed crooked into the scanner (7°)",
  ...one,
});
await savePng("skewed.png", sharp(clean).affine([1, 0.1, 0.04, 1], { background: "#ffffff" }), {
  description: "Sheared page (skewed scan)",
  ...one,
});
await savePng(
  "perspective.png",
  await perspective(clean, [
    [60, 30],
    [960, 0],
    [1000, 700],
    [0, 650],
  ]),
  { description: "Photographed at an angle (perspective)", ...one },
);
await savePng("blur-mild.png", sharp(clean).blur(1.2), { description: "Slightly out of focus", ...one });
await savePng("blur-hopeless.png", sharp(clean).blur(9), {
  description: "Hopelessly blurred: nothing can be read",
  fails: "no-code",
});
await savePng("low-resolution.png", sharp(clean).resize(Math.round(PAGE_W * 0.6)), {
  description: "Scanned at low resolution (60 %)",
  ...one,
});
await savePng(
  "covered.png",
  sharp(clean).composite([
    {
      input: { create: { width: 110, height: 170, channels: 3, background: "#d8d8d8" } },
      left: 800,
      top: 180,
    },
  ]),
  { description: "QR code covered by a sticker; the Code 128 is still readable", ...one },
);
await saveJpeg("jpeg-heavy.jpg", sharp(clean), 10, { description: "JPEG at quality 10", ...one });

const second = await page({ text: IDS.b, linear: IDS.b, qr: IDS.b }, "0002");
await savePng(
  "two-prescriptions.png",
  sharp({ create: { width: PAGE_W, height: PAGE_H * 2, channels: 3, background: "#ffffff" } }).composite([
    { input: clean, left: 0, top: 0 },
    { input: second, left: 0, top: PAGE_H },
  ]),
  { description: "Two prescriptions on one sheet", visitIds: [IDS.a, IDS.b] },
);
await savePng("no-code.png", await page({ text: IDS.a }), {
  description: "Visit ID printed as text only, no barcode or QR",
  fails: "no-code",
});
await savePng("conflict.png", await page({ text: IDS.a, linear: IDS.a, qr: IDS.b }), {
  description: "Code 128 and QR carry different visit IDs",
  conflict: true,
});
await savePng("corrected-o.png", await page({ text: IDS.seedWithO, linear: IDS.seedWithO, qr: IDS.seedWithO }), {
  description: "The seed's sample ID with a letter O, printed as-is (O→0 must be reported)",
  visitIds: ["0USE4FA11RP4J370WR4K"],
  corrected: true,
});
await savePng(
  "not-visit-id.png",
  await (async () => {
    const svg = Buffer.from(pageSvg(undefined, "0003"));
    return sharp(svg)
      .composite([
        { input: await code128("4710088412345"), left: 40, top: 205 },
        { input: await qr("https://example.invalid/refill?slip=0003"), left: 780, top: 190 },
      ])
      .png()
      .toBuffer();
  })(),
  { description: "A drug barcode and a web-link QR: codes, but no visit ID", fails: "not-visit-id" },
);

// Virtual NHI card (虛擬健保卡) screenshot: a phone screen with the QR.
{
  const w = 390;
  const h = 844;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#e9f3ee"/><rect y="0" width="${w}" height="90" fill="#2f7d5b"/><text x="20" y="60" font-size="24" fill="white" font-family="DejaVu Sans">Virtual NHI Card</text><text x="40" y="640" font-size="18" font-family="DejaVu Sans">Show this code at the counter</text><text x="40" y="670" font-size="16" font-family="DejaVu Sans">Valid for 04:59</text></svg>`;
  const code = await qr(VIRTUAL_CARD_TOKEN, 6);
  const image = sharp(Buffer.from(svg)).composite([{ input: code, left: Math.round((w - 270) / 2), top: 260 }]);
  const data = await image.png({ compressionLevel: 9, palette: true }).toBuffer();
  writeFileSync(join(outDir, "virtual-card.png"), data);
  manifest["virtual-card.png"] = {
    description: "Screenshot of the virtual NHI card QR (健保快易通)",
    virtualCardToken: VIRTUAL_CARD_TOKEN,
  };
  process.stdout.write(`wrote fixtures/scan/virtual-card.png (${data.length} bytes)\n`);
}

// A 1280×960 phone photo: the page on a darker desk, slightly turned, in perspective, uneven light, JPEG.
{
  const warped = await perspective(clean, [
    [40, 20],
    [980, 50],
    [960, 690],
    [10, 660],
  ]);
  const pagePhoto = await sharp(warped).resize(1000).rotate(-4, { background: "#7a6a58" }).toBuffer();
  const meta = await sharp(pagePhoto).metadata();
  const shade = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="960"><defs><radialGradient id="g" cx="35%" cy="30%" r="80%"><stop offset="0" stop-color="white" stop-opacity="0"/><stop offset="1" stop-color="black" stop-opacity="0.35"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
  const photo = sharp({ create: { width: 1280, height: 960, channels: 3, background: "#7a6a58" } }).composite([
    {
      input: pagePhoto,
      left: Math.round((1280 - (meta.width ?? 1000)) / 2),
      top: Math.round((960 - (meta.height ?? 700)) / 2),
    },
    { input: shade, left: 0, top: 0 },
  ]);
  await saveJpeg("photo-1280x960.jpg", sharp(await photo.png().toBuffer()), 78, {
    description: "Phone photo of the page on a desk, 1280×960",
    ...one,
  });
}

// Short string arrays on one line, as the project's formatter (Biome) writes them.
const manifestText = JSON.stringify(manifest, null, 2).replace(
  /\[\n\s+((?:"[^"\n]*",\n\s+)*"[^"\n]*")\n\s+\]/g,
  (_all, items: string) => `[${items.split(/,\n\s+/).join(", ")}]`,
);
writeFileSync(join(outDir, "manifest.json"), `${manifestText}\n`);
process.stdout.write("wrote fixtures/scan/manifest.json\n");
