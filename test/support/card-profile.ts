/** The ordinary citizen card's profile fields (fixtures/cards/citizen-wang.json), for card-level unit tests. */
import type { ProfileFields } from "../../src/card/profile.js";

export const WANG: ProfileFields = {
  cardNumber: "000012345678",
  name: "王小明",
  nationalId: "A123456789",
  birthDate: "0790315",
  sex: "M",
  issueDate: "1020801",
};
