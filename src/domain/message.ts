/** A text a person reads, in Traditional Chinese (default) and English. */
export interface Message {
  zh: string;
  en: string;
}

export type Locale = "zh-TW" | "en";

export function msg(zh: string, en: string): Message {
  return { zh, en };
}

export function localize(message: Message, locale: Locale): string {
  return locale === "en" ? message.en : message.zh;
}
