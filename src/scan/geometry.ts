/** Where codes sit on a page: boxes from a reader's corner points, their union and gaps, and a place in words. */
import { type Message, msg } from "../domain/message.js";

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The four corners a barcode reader reports. */
export interface Corners {
  topLeft: Point;
  topRight: Point;
  bottomRight: Point;
  bottomLeft: Point;
}

export function boxOf(corners: Corners): Box {
  const xs = [corners.topLeft.x, corners.topRight.x, corners.bottomRight.x, corners.bottomLeft.x];
  const ys = [corners.topLeft.y, corners.topRight.y, corners.bottomRight.y, corners.bottomLeft.y];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export function unionBox(boxes: Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}

/** Thirds of the page: 「頁面左上」 / "top left of the page". */
export function describeLocation(box: Box, image: { width: number; height: number }): Message {
  const cx = (box.x + box.width / 2) / image.width;
  const cy = (box.y + box.height / 2) / image.height;
  const col = cx < 1 / 3 ? 0 : cx < 2 / 3 ? 1 : 2;
  const row = cy < 1 / 3 ? 0 : cy < 2 / 3 ? 1 : 2;
  const zhPlaces = [
    ["左上", "上方中間", "右上"],
    ["左側中間", "中央", "右側中間"],
    ["左下", "下方中間", "右下"],
  ];
  const enRow = ["top", "middle", "bottom"][row]!;
  const enCol = ["left", "centre", "right"][col]!;
  const zh = `頁面${zhPlaces[row]![col]!}`;
  const en = row === 1 && col === 1 ? "centre of the page" : `${enRow} ${enCol} of the page`;
  return msg(
    `${zh}（x=${Math.round(box.x)}, y=${Math.round(box.y)}）`,
    `${en} (x=${Math.round(box.x)}, y=${Math.round(box.y)})`,
  );
}

/** Gap between two boxes (0 when they overlap). */
export function gap(a: Box, b: Box): number {
  const dx = Math.max(0, Math.max(a.x, b.x) - Math.min(a.x + a.width, b.x + b.width));
  const dy = Math.max(0, Math.max(a.y, b.y) - Math.min(a.y + a.height, b.y + b.height));
  return Math.hypot(dx, dy);
}

export function longestSide(boxes: Box[]): number {
  return Math.max(0, ...boxes.map((b) => Math.max(b.width, b.height)));
}
