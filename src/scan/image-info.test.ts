import { describe, expect, it } from "vitest";
import { ScanError } from "./errors.js";
import { imageInfo } from "./image-info.js";

function png(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

function jpeg(width: number, height: number): Uint8Array {
  // SOI, APP0 (length 16), SOF0 (length 17).
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [
    0xff,
    0xc0,
    0,
    17,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    3,
    1,
    0x11,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

function codeOf(bytes: Uint8Array): string {
  try {
    imageInfo(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ScanError);
    return (error as ScanError).code;
  }
  return "ok";
}

describe("imageInfo", () => {
  it("reads PNG and JPEG sizes from the header", () => {
    expect(imageInfo(png(1000, 700))).toEqual({ format: "png", width: 1000, height: 700 });
    expect(imageInfo(jpeg(1280, 960))).toEqual({ format: "jpeg", width: 1280, height: 960 });
  });

  it("names other image formats it does not take", () => {
    const webp = new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ");
    const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode("ftypheic")]);
    for (const [bytes, name] of [
      [webp, "WebP"],
      [heic, "HEIC"],
      [new TextEncoder().encode("GIF89a"), "GIF"],
      [new TextEncoder().encode("%PDF-1.7"), "PDF"],
    ] as const) {
      try {
        imageInfo(bytes);
        throw new Error("accepted");
      } catch (error) {
        expect((error as ScanError).code).toBe("unsupported-format");
        expect((error as ScanError).reason.en).toContain(name);
        expect((error as ScanError).reason.zh).toContain("PNG 或 JPEG");
      }
    }
  });

  it("refuses text, empty and damaged headers", () => {
    expect(codeOf(new TextEncoder().encode("hello"))).toBe("not-an-image");
    expect(codeOf(new Uint8Array())).toBe("empty");
    expect(codeOf(png(1000, 700).slice(0, 20))).toBe("unreadable-image");
    expect(codeOf(png(0, 700))).toBe("unreadable-image");
    expect(codeOf(jpeg(1280, 960).slice(0, 12))).toBe("unreadable-image");
    expect(codeOf(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBe("unreadable-image");
  });
});
