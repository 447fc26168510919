/**
 * A dispensing record in upload format 2.0 as typed data: MSH (H00, H01), MB1 (M01–M56) and MB2 order lines
 * (D01–D15). All values are the upload-format strings exactly as they go into the XML (leading zeros kept).
 */

type Two = `${0 | 1 | 2 | 3 | 4 | 5}${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;
type Mb1Number = Exclude<Two, "00" | "57" | "58" | "59">;
export type Mb1Field = `M${Mb1Number}`;
export type Mb2Field =
  `D${"01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12" | "13" | "14" | "15"}`;
export type H01 = "A" | "B" | "C" | "D" | "E";

export type Mb1 = Partial<Record<Mb1Field, string>>;
export type Mb2 = Partial<Record<Mb2Field, string>>;

export interface UploadRecord {
  h00: string;
  h01: H01;
  mb1: Mb1;
  mb2: Mb2[];
}
