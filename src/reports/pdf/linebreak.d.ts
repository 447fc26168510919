/** Types for `linebreak` (the Unicode line breaking algorithm, UAX #14), which ships none. */
declare module "linebreak" {
  interface Break {
    /** Index in the string where the next line may start. */
    position: number;
    /** A mandatory break (after a line feed or paragraph separator). */
    required: boolean;
  }
  export default class LineBreaker {
    constructor(text: string);
    nextBreak(): Break | null;
  }
}
