import { describe, expect, it } from "vitest";
import { descriptionSchema, nameSchema, titleSchema } from "../../src/protocol/rest";
import { declineParticipantSchema, sendChatMessageSchema } from "../../src/protocol/room";
import { textProblem } from "../../src/protocol/text";

/** Spoofing and breaking text every human-entered field refuses, names, titles and chat alike. */
const REFUSED_EVERYWHERE: Record<string, string> = {
  NUL: "Ann\u0000",
  ESC: "Ann \u001b[31mred",
  DEL: "Ann\u007f",
  "C1 NEL": "Ann\u0085",
  "C1 CSI": "Ann\u009b31m",
  "right-to-left override": "Ann \u202egpj.exe",
  "left-to-right embedding": "\u202aAnn",
  "pop directional formatting": "Ann\u202c",
  "first strong isolate": "\u2068Ann\u2069",
  "right-to-left isolate": "\u2067Ann",
  "byte-order mark": "An\ufeffn",
  "line separator": "Ann\u2028Bob",
  "lone surrogate": "Ann\ud800",
  "only ZWSP": "\u200b\u200b",
  "only ZWJ": "\u200d",
  "only Hangul filler": "\u3164",
  "only half-width Hangul filler": "\uffa0",
  "only Braille blank": "\u2800\u2800",
  "only combining marks": "\u0301\u0301",
  "only white space and joiners": " \u00a0\u2003\u200d\u200c ",
};

const oneLine = [nameSchema, titleSchema];
const chat = (text: string) =>
  sendChatMessageSchema.safeParse({ event_type: "send_chat_message", payload: { text } });

describe("one text policy for names, titles, descriptions and chat", () => {
  for (const [what, text] of Object.entries(REFUSED_EVERYWHERE)) {
    it(`refuses ${what} in a name, a title, a description and a chat message`, () => {
      for (const schema of oneLine) expect(schema.safeParse(text).success, what).toBe(false);
      // Descriptions may be empty, so an all-invisible one is refused only once something is there.
      expect(descriptionSchema.safeParse(`${text}`).success, what).toBe(false);
      expect(chat(text).success, what).toBe(false);
      expect(
        declineParticipantSchema.safeParse({
          event_type: "decline_participant",
          payload: { participant_id: "p_1", reason: text },
        }).success,
        what,
      ).toBe(false);
    });
  }

  it("normalizes to NFC in both schema flavours (REST zod, room zod/mini)", () => {
    const decomposed = "Rene\u0301e Zo\u0308e";
    expect(nameSchema.parse(decomposed)).toBe("Renée Zöe");
    expect(titleSchema.parse(` ${decomposed} `)).toBe("Renée Zöe");
    const parsed = chat(decomposed);
    expect(parsed.success && parsed.data.payload.text).toBe("Renée Zöe");
    // The length limit counts the normalized text: 80 decomposed "é" are 160 code units but 80 characters.
    expect(nameSchema.safeParse("e\u0301".repeat(80)).success).toBe(true);
  });

  it("chat and descriptions keep line breaks and tabs, and direction marks; names and titles do not", () => {
    const text = "line one\nline two\r\n\tindented \u200fשלום\u200f";
    expect(chat(text).success).toBe(true);
    expect(descriptionSchema.safeParse(text).success).toBe(true);
    for (const schema of oneLine) {
      expect(schema.safeParse("Ann\nBob").success).toBe(false);
      expect(schema.safeParse("Ann\tBob").success).toBe(false);
      expect(schema.safeParse("Ann \u200fBob").success).toBe(false);
    }
  });

  it("lets real names and messages through: scripts, emoji sequences, a ZWJ inside a word", () => {
    for (const name of ["Zoë", "محمد", "李小龙", "Ana-María O'Neil", "👩🏽‍💻 Dev", "ক্ষ", "नमस्ते"]) {
      expect(nameSchema.safeParse(name).success, name).toBe(true);
      expect(titleSchema.safeParse(name).success, name).toBe(true);
      expect(chat(name).success, name).toBe(true);
    }
    expect(descriptionSchema.parse("")).toBe("");
  });

  it("says what is wrong in words", () => {
    expect(textProblem("\u202eabc")).toBe("must not contain bidirectional control characters");
    expect(textProblem("a\u0000")).toBe("must not contain control characters");
    expect(textProblem("\u3164")).toBe("must contain visible characters");
    expect(textProblem("")).toBeNull();
  });
});
