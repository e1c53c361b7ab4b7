import type { ComponentChildren } from "preact";

/** One of the call's side panels (chat, people, devices): a heading and a Close button over its body. */
export function SidePanel(props: {
  id: string;
  heading: ComponentChildren;
  onClose(): void;
  children: ComponentChildren;
}) {
  return (
    <section class="side-panel" aria-labelledby={`${props.id}-heading`}>
      <header class="side-head">
        <h2 id={`${props.id}-heading`}>{props.heading}</h2>
        <button type="button" class="btn ghost small" aria-label="Close" onClick={props.onClose}>
          ✕
        </button>
      </header>
      {props.children}
    </section>
  );
}

/** A small button on a person's row, described by the row's name (Admit, Decline, Remove). */
export function PersonButton(props: {
  nameId: string;
  secondary?: boolean;
  onClick(): void;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={props.secondary ? "btn secondary small" : "btn small"}
      aria-describedby={props.nameId}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
