import type { ComponentChildren } from "preact";
import { toast } from "./toast-store";

interface CopyButtonProps {
  text: string;
  label?: string;
  children: ComponentChildren;
  class?: string;
}

/** Copies `text` to the clipboard and says so; falls back to a prompt where the clipboard is refused. */
export function CopyButton({ text, label, children, class: className = "btn secondary" }: CopyButtonProps) {
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toast("Link copied");
    } catch {
      window.prompt("Copy this link:", text);
    }
  }
  return (
    <button type="button" class={className} aria-label={label} onClick={copy}>
      {children}
    </button>
  );
}
