import { randomBytes } from "./secrets";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** 16 base32 characters = 80 random bits: links cannot be guessed or enumerated. */
const RANDOM_CHARS = 16;
const SLUG_MAX = 40;

/** A readable URL slug of a title: lowercase ASCII letters and digits joined by single dashes. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/, "");
  return slug || "call";
}

/** Random lowercase base32 characters (each byte's low 5 bits, so every character is equally likely). */
export function randomBase32(length: number): string {
  return Array.from(randomBytes(length), (byte) => BASE32[byte & 31]).join("");
}

/** A new call link: slugified title + "-" + 16 random base32 characters. */
export function newCallLink(title: string): string {
  return `${slugify(title)}-${randomBase32(RANDOM_CHARS)}`;
}
